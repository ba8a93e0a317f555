package io.hookrelay.db.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.ServiceProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default start as a user runs it, {@code Main} on the embedded database in a process of its own, after
 * everything that can happen to that process and its data directory: SIGKILL, a second start, a start timeout
 * too short, a read-only or full disk, a data directory of another PostgreSQL version.
 */
class EmbeddedRestartTest {

    private static final String ADMIN = "embedded-admin-token-0123456789";
    private static final int EVENTS = 3000;
    private static final int CAP = 64;

    @TempDir
    Path dir;

    @Test
    @DisplayName("killed with SIGKILL three times mid-delivery, it starts again unattended each time and delivers every event; nothing is left running after the clean stop")
    void survivesThreeKillsInARow() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> settings = deliveringTo(data);
        int port = ServiceProcess.freePort();
        Vertx vertx = Vertx.vertx();
        List<String> arrivals = new CopyOnWriteArrayList<>();
        try (Receiver receiver = Receiver.start(vertx, (n, request, v) -> {
            arrivals.add(request.getHeader("webhook-id"));
            // Slow enough that many deliveries are in flight when a kill comes.
            v.setTimer(20, id -> request.response().setStatusCode(200).end());
        })) {
            ServiceProcess service = ServiceProcess.start(settings, port, dir.resolve("start-0.log"));
            Set<String> published;
            List<Integer> kills = new ArrayList<>();
            try {
                published = publishBacklog(new Api(port, ADMIN), receiver.url(), data);
                for (int round = 1; round <= 3; round++) {
                    int before = round * EVENTS / 4;
                    Receiver.await("deliveries before kill " + round, Duration.ofSeconds(120), () -> arrivals.size() >= before);
                    service.kill();
                    Thread.sleep(500); // requests already on the wire reach the receiver
                    kills.add(arrivals.size());
                    Receiver.await("the watchdog stops the killed service's PostgreSQL", Duration.ofSeconds(30),
                            () -> serverProcessesOf(data).isEmpty());
                    service = ServiceProcess.start(settings, port, dir.resolve("start-" + round + ".log"));
                }
                Receiver.await("every event delivered", Duration.ofSeconds(180),
                        () -> new HashSet<>(arrivals).size() >= published.size());
            } finally {
                assertEquals(143, service.stop(), "SIGTERM ends the service through its shutdown hook");
            }
            assertTrue(serverProcessesOf(data).isEmpty(), "after the clean stop no PostgreSQL, pg_ctl or watchdog of "
                    + data + " runs: " + serverProcessesOf(data));
            // The webhook-id is the event's id, the same on every send of it.
            Set<String> missing = new HashSet<>(published);
            missing.removeAll(arrivals);
            assertEquals(Set.of(), missing, "nothing lost");
            assertEquals(published, new HashSet<>(arrivals), "nothing unknown");
            for (int k = 0; k < kills.size(); k++) {
                Set<String> sentBefore = new HashSet<>(arrivals.subList(0, kills.get(k)));
                int end = k + 1 < kills.size() ? kills.get(k + 1) : arrivals.size();
                long repeated = arrivals.subList(kills.get(k), end).stream().filter(sentBefore::contains).distinct().count();
                System.out.println("[embedded] kill " + (k + 1) + " after " + kills.get(k) + " arrivals: " + repeated
                        + " deliveries sent again (bound " + (CAP + 64) + ")");
                assertTrue(repeated <= CAP + 64L, "kill " + (k + 1) + " repeated " + repeated
                        + " deliveries; at most max_in_flight + 64 (" + (CAP + 64) + ") are sent and not yet written");
            }
        } finally {
            vertx.close();
        }
    }

    @Test
    @DisplayName("a second service on a data directory in use is refused at once, naming the directory and the running pid, and the first keeps delivering")
    void secondStartIsRefused() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> settings = deliveringTo(data);
        int port = ServiceProcess.freePort();
        Vertx vertx = Vertx.vertx();
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(200))) {
            ServiceProcess first = ServiceProcess.start(settings, port, dir.resolve("first.log"));
            try {
                Api tenant = tenant(new Api(port, ADMIN));
                assertEquals(201, tenant.post("/v1/subscriptions", new JsonObject().put("url", receiver.url())).status());

                ServiceProcess.Exited second = ServiceProcess.runUntilExit(List.of(), settings, ServiceProcess.freePort(),
                        dir.resolve("second.log"));
                assertEquals(2, second.status(), second.output());
                assertTrue(second.output().contains(data.toAbsolutePath().toString()), second.output());
                assertTrue(second.output().contains("pid " + first.process().pid()), second.output());
                assertTrue(!second.output().contains("\tat "), "a message, not a stack trace: " + second.output());

                assertEquals(202, tenant.post("/v1/events", new JsonObject().put("type", "still.delivering").put("data", 1)).status());
                Receiver.await("the first service still delivers", Duration.ofSeconds(30), () -> receiver.received().size() == 1);
            } finally {
                first.stop();
            }
        } finally {
            vertx.close();
        }
    }

    @Test
    @DisplayName("a start timeout too short to succeed fails clearly, leaves nothing running, and a later start works")
    void tooShortStartTimeout() throws Exception {
        Path data = dir.resolve("data");
        int port = ServiceProcess.freePort();
        ServiceProcess.Exited exited = ServiceProcess.runUntilExit(List.of(), Map.of("HOOKRELAY_DATA_DIR", data.toString(),
                "HOOKRELAY_EMBEDDED_START_TIMEOUT", "PT0.001S"), port, dir.resolve("short.log"));
        assertEquals(2, exited.status(), exited.output());
        assertTrue(exited.output().contains("did not accept connections within PT0.001S"), exited.output());
        assertTrue(exited.output().contains("HOOKRELAY_EMBEDDED_START_TIMEOUT"), exited.output());
        assertTrue(serverProcessesOf(data).isEmpty(), "nothing left running: " + serverProcessesOf(data));

        ServiceProcess service = ServiceProcess.start(Map.of("HOOKRELAY_DATA_DIR", data.toString()), port,
                dir.resolve("default.log"));
        assertEquals(143, service.stop());
        assertTrue(serverProcessesOf(data).isEmpty());
    }

    @Test
    @DisplayName("the embedded PostgreSQL keeps its port from one start to the next, and the start prints the psql command to reach it")
    void portIsStable() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> settings = Map.of("HOOKRELAY_DATA_DIR", data.toString());
        int port = ServiceProcess.freePort();
        ServiceProcess first = ServiceProcess.start(settings, port, dir.resolve("first.log"));
        first.stop();
        String pgPort = Files.readString(data.resolve("postgres.port"), StandardCharsets.US_ASCII).trim();
        assertTrue(first.log().contains("psql -h 127.0.0.1 -p " + pgPort + " -U postgres hookrelay"), first.log());
        assertTrue(first.log().contains("waiting up to PT1M for it to accept connections"), "says what it waits for");
        ServiceProcess second = ServiceProcess.start(settings, port, dir.resolve("second.log"));
        second.stop();
        assertTrue(second.log().contains("psql -h 127.0.0.1 -p " + pgPort + " -U postgres hookrelay"), second.log());
    }

    @Test
    @DisplayName("a postmaster.pid naming a live process that is not PostgreSQL (a reused pid) does not stop the start")
    void stalePidFileOfAnotherProcess() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> settings = Map.of("HOOKRELAY_DATA_DIR", data.toString());
        int port = ServiceProcess.freePort();
        ServiceProcess.start(settings, port, dir.resolve("first.log")).stop();
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            Path pgData = data.resolve("postgres");
            // What a crash leaves, with its pid taken by something else since, as after a container restart.
            Files.writeString(pgData.resolve("postmaster.pid"), other.pid() + "\n" + pgData + "\n");
            ServiceProcess second = ServiceProcess.start(settings, port, dir.resolve("second.log"));
            assertEquals(143, second.stop());
            assertTrue(other.isAlive(), "the unrelated process was not signalled");
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    @DisplayName("a read-only data directory ends the start with a clear message and status 2")
    void readOnlyDataDirectory() throws Exception {
        Path data = dir.resolve("readonly");
        ServiceProcess.Exited exited = startRefusedOn(data, "ro,size=8m", "cannot write to the data directory " + data);
        assertTrue(exited.output().contains("Read-only file system"), exited.output());
    }

    @Test
    @DisplayName("a full disk ends the start with a clear message and status 2")
    void fullDisk() throws Exception {
        Path data = dir.resolve("small");
        startRefusedOn(data, "size=16m", "the disk holding " + data + " is full");
    }

    /** Starts the service on a file system of its own mounted at {@code data}; it must exit 2 with the message. */
    private ServiceProcess.Exited startRefusedOn(Path data, String mountOptions, String message) throws Exception {
        Files.createDirectories(data);
        ServiceProcess.Exited exited = ServiceProcess.runUntilExit(ownFileSystem(data, mountOptions),
                Map.of("HOOKRELAY_DATA_DIR", data.toString()), ServiceProcess.freePort(),
                dir.resolve(data.getFileName() + ".log"));
        assertEquals(2, exited.status(), exited.output());
        assertTrue(exited.output().contains(message), exited.output());
        assertTrue(!exited.output().contains("\tat "), "a message, not a stack trace: " + exited.output());
        return exited;
    }

    @Test
    @DisplayName("a data directory made by another PostgreSQL major version ends the start with a clear message and status 2")
    void otherMajorVersion() throws Exception {
        Path initdb = otherInitdb();
        Path data = dir.resolve("data");
        Path pgData = data.resolve("postgres");
        Files.createDirectories(pgData);
        // initdb refuses to run as root; the machine's postgres user makes the directory.
        run("chmod", "755", dir.toString(), data.toString());
        run("chown", "postgres", pgData.toString());
        run("runuser", "-u", "postgres", "--", initdb.toString(), "-D", pgData.toString());
        String version = Files.readString(pgData.resolve("PG_VERSION")).trim();
        ServiceProcess.Exited exited = ServiceProcess.runUntilExit(List.of(), Map.of("HOOKRELAY_DATA_DIR", data.toString()),
                ServiceProcess.freePort(), dir.resolve("version.log"));
        assertEquals(2, exited.status(), exited.output());
        assertTrue(exited.output().contains("was made by PostgreSQL " + version), exited.output());
        assertTrue(exited.output().contains("is PostgreSQL " + EmbeddedDatabase.binariesMajorVersion()), exited.output());
        assertTrue(Files.exists(pgData.resolve("PG_VERSION")), "the data directory is left as it was");
    }

    /** The default start on {@code data}, with a known admin token and loopback receivers allowed. */
    private static Map<String, String> deliveringTo(Path data) {
        return Map.of("HOOKRELAY_DATA_DIR", data.toString(), "HOOKRELAY_ADMIN_TOKEN", ADMIN,
                "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true");
    }

    private static Set<String> publishBacklog(Api admin, String url, Path data) {
        Api tenant = tenant(admin);
        Api.Response subscription = tenant.post("/v1/subscriptions", new JsonObject().put("url", url).put("max_in_flight", CAP));
        assertEquals(201, subscription.status(), subscription::toString);
        String path = "/v1/subscriptions/" + subscription.json().getString("id");
        String since = subscription.json().getString("created_at");
        // Publishing one by one is slower than delivering: the events wait while the subscription is
        // disabled, and a recover queues them all at once.
        assertEquals(200, tenant.post(path + "/disable", null).status());
        Set<String> published = new HashSet<>();
        for (int i = 0; i < EVENTS; i++) {
            published.add(tenant.post("/v1/events", new JsonObject().put("type", "crash.test").put("data", i))
                    .json().getString("id"));
        }
        Receiver.await("every event dispatched", Duration.ofSeconds(60),
                () -> count(data, "SELECT count(*) FROM events WHERE dispatched_at IS NULL") == 0);
        assertEquals(200, tenant.post(path + "/enable", null).status());
        Api.Response recovered = tenant.post(path + "/recover", new JsonObject().put("since", since));
        assertEquals(EVENTS, recovered.json().getInteger("queued"), recovered::toString);
        return published;
    }

    /** Asks the embedded database directly, on the port its data directory keeps. */
    private static long count(Path data, String sql) {
        try {
            String port = Files.readString(data.resolve("postgres.port"), StandardCharsets.US_ASCII).trim();
            try (var conn = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/hookrelay", "postgres", null);
                 var rows = conn.createStatement().executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Api tenant(Api admin) {
        String tenantId = admin.post("/v1/tenants", new JsonObject().put("name", "embedded")).json().getString("id");
        return admin.as(admin.post("/v1/tenants/" + tenantId + "/api-keys", null).json().getString("key"));
    }

    /** PostgreSQL servers, pg_ctl and watchdogs whose command line names this data directory. */
    private static List<String> serverProcessesOf(Path data) {
        String dir = data.toAbsolutePath().resolve("postgres").toString();
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).forEach(process -> {
            String line = process.info().commandLine().orElse("");
            if (line.contains(dir)) {
                found.add(process.pid() + " " + line);
            }
        });
        return found;
    }

    /** Runs the service in a mount namespace of its own, with a fresh tmpfs mounted on {@code dir}. */
    private static List<String> ownFileSystem(Path dir, String options) throws Exception {
        assumeTrue(exitStatus("unshare", "--mount", "--propagation", "private", "true") == 0,
                "needs mount namespaces (root in a sandbox that allows them), as on this project's machines");
        return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o " + options + " tmpfs \"$0\" && exec \"$@\"", dir.toString());
    }

    /** An initdb of another major version than the embedded one, from the machine's PostgreSQL packages. */
    private static Path otherInitdb() throws Exception {
        Path lib = Path.of("/usr/lib/postgresql");
        assumeTrue(Files.isDirectory(lib), "needs a PostgreSQL server package on the machine");
        try (var versions = Files.list(lib)) {
            Path initdb = versions.filter(v -> !v.getFileName().toString().equals(EmbeddedDatabase.binariesMajorVersion()))
                    .map(v -> v.resolve("bin/initdb")).filter(Files::isExecutable).findFirst().orElse(null);
            assumeTrue(initdb != null, "needs a PostgreSQL of another major version than the embedded one");
            return initdb;
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }

    private static int exitStatus(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor();
    }
}
