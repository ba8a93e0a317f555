package io.hookrelay.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts {@code target/hookrelay.jar} as its own process, as an operator would, so the figures include
 * the real HTTP stack and the service's RSS can be read apart from the load generator's.
 */
final class BenchService implements AutoCloseable {

    final Process process;
    final int port;
    final String adminToken = "bench-admin-token-0123456789";
    /** The service's HOOKRELAY_DATA_DIR, a temporary directory of its own; its log is {@code service.log} in it. */
    final Path dataDir;
    /** The command line and the HOOKRELAY_* settings it was started with, for the bench's report. */
    final List<String> command;
    final Map<String, String> settings;
    private Path keepLog;
    private boolean closed;

    private BenchService(Process process, int port, Path dataDir, List<String> command, Map<String, String> settings) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.command = command;
        this.settings = settings;
    }

    static BenchService start(String databaseUrl, Map<String, String> settings) throws Exception {
        Map<String, String> all = new TreeMap<>(Map.of("HOOKRELAY_DATABASE_POOL_SIZE", "16"));
        all.putAll(settings);
        return start(List.of("java", "-Xmx384m", "-XX:+UseParallelGC", "-jar"), databaseUrl, all);
    }

    /**
     * The jar as a user starts it: {@code java -jar target/hookrelay.jar}, no JVM options, and of the settings
     * only what such a user has to give - where to listen (loopback, a free port), a data directory, an admin
     * token to create the tenant with, leave to deliver to loopback receivers, and the database URL unless the
     * embedded one is used. Nothing that tunes the service.
     */
    static BenchService startAsUser(String databaseUrl) throws Exception {
        return start(List.of("java", "-jar"), databaseUrl,
                Map.of("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true"));
    }

    /** As {@link #startAsUser(String)}, with settings of the run's own (a bench of one part switches another off). */
    static BenchService startAsUser(String databaseUrl, Map<String, String> settings) throws Exception {
        Map<String, String> all = new TreeMap<>(settings);
        all.put("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true");
        return start(List.of("java", "-jar"), databaseUrl, all);
    }

    /** As {@link #startAsUser(String)}, with one setting more (a bench of one part switches another off). */
    static BenchService startAsUser(String databaseUrl, String setting, String value) throws Exception {
        return start(List.of("java", "-jar"), databaseUrl,
                Map.of("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true", setting, value));
    }

    private static BenchService start(List<String> java, String databaseUrl, Map<String, String> settings)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dataDir = Files.createTempDirectory("hookrelay-bench");
        Path log = dataDir.resolve("service.log");
        List<String> command = new ArrayList<>(java);
        command.add(Path.of("target/hookrelay.jar").toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HOOKRELAY_"));
        Map<String, String> env = new TreeMap<>();
        env.put("HOOKRELAY_HTTP_PORT", Integer.toString(port));
        env.put("HOOKRELAY_HTTP_HOST", "127.0.0.1");
        env.put("HOOKRELAY_DATA_DIR", dataDir.toString());
        env.put("HOOKRELAY_ADMIN_TOKEN", "bench-admin-token-0123456789");
        if (databaseUrl != null) {
            env.put("HOOKRELAY_DATABASE_URL", databaseUrl);
        }
        env.putAll(settings);
        builder.environment().putAll(env);
        BenchService service;
        try {
            service = new BenchService(builder.start(), port, dataDir, List.copyOf(command), env);
        } catch (IOException e) {
            deleteTree(dataDir);
            throw e;
        }
        try {
            service.awaitReady(log);
        } catch (Exception e) {
            service.close();
            throw e;
        }
        return service;
    }

    private void awaitReady(Path log) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service not ready:\n" + Files.readString(log));
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Resident set size of the service process, from /proc (Linux). */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Where close() copies the service's log before removing the data directory (which holds it). */
    void keepLogAt(Path copy) {
        keepLog = copy;
    }

    /**
     * The pid of the embedded PostgreSQL's postmaster, from the postmaster.pid file under the data directory;
     * -1 when the service runs on a server of its own choosing (or the embedded one has not started).
     */
    long embeddedPostmasterPid() {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Stops the service as an operator would (SIGTERM; it stops its embedded PostgreSQL itself), forcibly if it
     * has not gone within a minute, then stops an embedded postmaster it left behind and removes the data
     * directory, so a failed run leaves neither processes nor a database on disk. Safe to call twice.
     */
    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        long postmaster = embeddedPostmasterPid();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (postmaster > 0) {
            stopOrphanedPostmaster(postmaster);
        }
        if (keepLog != null) {
            try {
                Files.createDirectories(keepLog.toAbsolutePath().getParent());
                Files.copy(dataDir.resolve("service.log"), keepLog, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                System.err.println("could not keep the service log: " + e);
            }
        }
        deleteTree(dataDir);
    }

    /** Only a process still named postgres: after the service stopped it, its pid may belong to someone else. */
    private static void stopOrphanedPostmaster(long pid) throws InterruptedException {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()
                || !handle.get().info().command().map(c -> c.endsWith("/postgres")).orElse(false)) {
            return;
        }
        System.err.println("the service left its embedded PostgreSQL (pid " + pid + ") running; stopping it");
        List<ProcessHandle> children = handle.get().children().toList();
        handle.get().destroy();
        try {
            handle.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            handle.get().destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
