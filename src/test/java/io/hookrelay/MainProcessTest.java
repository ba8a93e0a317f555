package io.hookrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.support.Api;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a user runs it: {@code Main} in its own process with no database configured, so it
 * starts an embedded PostgreSQL under the data directory, then stops on SIGTERM and starts again.
 */
class MainProcessTest {

    @TempDir
    Path dataDir;

    @Test
    @DisplayName("with no database configured it runs on an embedded PostgreSQL that keeps data across a graceful restart")
    void embeddedRunKeepsDataAcrossRestart() throws Exception {
        int port = freePort();
        Path firstLog = dataDir.resolve("first.log");
        Process first = start(port, firstLog);
        String tenantId;
        String adminToken;
        try {
            awaitReady(port, first, firstLog);
            adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
            assertTrue(Files.readString(firstLog).contains(adminToken), "the new admin token is printed on first start");
            Api admin = new Api(port, adminToken);
            Api.Response created = admin.post("/v1/tenants", new JsonObject().put("name", "survives restarts"));
            assertEquals(201, created.status(), created::toString);
            tenantId = created.json().getString("id");
        } finally {
            first.destroy();
        }
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the service");
        assertEquals(143, first.exitValue(), "the JVM ends through its shutdown hook");
        assertTrue(Files.isDirectory(dataDir.resolve("postgres")), "the database lives under the data directory");

        Path secondLog = dataDir.resolve("second.log");
        Process second = start(port, secondLog);
        try {
            awaitReady(port, second, secondLog);
            assertFalse(Files.readString(secondLog).contains(adminToken), "the admin token is printed only once");
            Api.Response tenant = new Api(port, adminToken).get("/v1/tenants/" + tenantId);
            assertEquals(200, tenant.status(), tenant::toString);
            assertEquals("survives restarts", tenant.json().getString("name"));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private Process start(int port, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", classpath, "io.hookrelay.Main"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("HOOKRELAY_"));
        env.put("HOOKRELAY_DATA_DIR", dataDir.toString());
        env.put("HOOKRELAY_HTTP_PORT", Integer.toString(port));
        env.put("HOOKRELAY_HTTP_HOST", "127.0.0.1");
        return builder.start();
    }

    private static void awaitReady(int port, Process process, Path log) throws Exception {
        Api anonymous = new Api(port, null);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited early:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            try {
                if (anonymous.get("/health/ready").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYetListening) {
                // keep polling until the deadline
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service did not become ready:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
