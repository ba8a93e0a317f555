package io.hookrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.ServiceProcess;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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
        int port = ServiceProcess.freePort();
        Map<String, String> settings = Map.of("HOOKRELAY_DATA_DIR", dataDir.toString());
        ServiceProcess first = ServiceProcess.start(settings, port, dataDir.resolve("first.log"));
        String adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
        String tenantId;
        try {
            assertTrue(first.log().contains(adminToken), "the new admin token is printed on first start");
            Api.Response created = new Api(port, adminToken).post("/v1/tenants", new JsonObject().put("name", "survives restarts"));
            assertEquals(201, created.status(), created::toString);
            tenantId = created.json().getString("id");
        } finally {
            assertEquals(143, first.stop(), "SIGTERM ends the JVM through its shutdown hook");
        }
        String firstLog = first.log();
        assertFalse(firstLog.contains("SSRF guard is off"), "the default start keeps the guard on:\n" + firstLog);
        assertTrue(firstLog.contains("stopped the embedded PostgreSQL"), firstLog);
        assertTrue(Pattern.compile("Hookrelay stopped in \\d+\\.\\d s").matcher(firstLog).find(),
                "the exit is logged even from the shutdown hook:\n" + firstLog);
        assertTrue(Files.isDirectory(dataDir.resolve("postgres")), "the database lives under the data directory");

        ServiceProcess second = ServiceProcess.start(settings, port, dataDir.resolve("second.log"));
        try {
            assertFalse(second.log().contains(adminToken), "the admin token is printed only once");
            Api.Response tenant = new Api(port, adminToken).get("/v1/tenants/" + tenantId);
            assertEquals(200, tenant.status(), tenant::toString);
            assertEquals("survives restarts", tenant.json().getString("name"));
        } finally {
            second.stop();
        }
    }

    @Test
    @DisplayName("with private targets allowed the start warns that the SSRF guard is off; SIGTERM logs the stop, the drain and the exit")
    void stopIsLogged() throws Exception {
        int port = ServiceProcess.freePort();
        Map<String, String> settings = Map.of("HOOKRELAY_DATA_DIR", dataDir.toString(),
                "HOOKRELAY_DATABASE_URL", TestDatabase.get("main-process").url().toUrl(),
                "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true",
                "HOOKRELAY_ADMIN_TOKEN", "process-admin-token-0123456789",
                "HOOKRELAY_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        Vertx vertx = Vertx.vertx();
        ServiceProcess service = ServiceProcess.start(settings, port, dataDir.resolve("service.log"));
        try (Receiver receiver = Receiver.start(vertx, Receiver.slow(1500))) {
            String started = service.log();
            assertTrue(started.contains("WARNING io.hookrelay.Application - HOOKRELAY_ALLOW_PRIVATE_TARGETS=true: the SSRF guard is off"),
                    started);
            Tenants tenant = tenant(port, "process-stop");
            tenant.subscribe(receiver.url(), new JsonObject());
            tenant.publish("order.created", 1);
            Receiver.await("the delivery is in flight", Duration.ofSeconds(20), () -> receiver.received().size() == 1);
            assertEquals(143, service.stop());

            String log = service.log();
            List<String> expected = List.of(
                    "Hookrelay stopping: finishing work in flight",
                    "closed 0 live delivery streams",
                    "delivery engine stopping: no new claims; waiting up to PT10S for 1 delivery in flight",
                    "delivery engine drained in ",
                    ": 1 delivery in flight finished, every outcome written, queue leases released",
                    "stopped the HTTP servers (open event streams ended), the delivery engine, the source pollers",
                    "Hookrelay stopped in ");
            int at = 0;
            for (String line : expected) {
                int found = log.indexOf(line, at);
                assertTrue(found >= 0, "the log has '" + line + "' after what came before it:\n" + log);
                at = found;
            }
            assertEquals(1, TestDatabase.get("main-process").count(
                    "SELECT count(*) FROM deliveries WHERE status = 'succeeded'"), "the drained delivery's outcome was written");
        } finally {
            if (service.process().isAlive()) {
                service.stop();
            }
            vertx.close();
        }
    }

    /** A tenant and key through the admin API of a service in another process. */
    private static Tenants tenant(int port, String name) {
        Api admin = new Api(port, "process-admin-token-0123456789");
        Api.Response tenant = admin.post("/v1/tenants", new JsonObject().put("name", name));
        assertEquals(201, tenant.status(), tenant::toString);
        Api.Response key = admin.post("/v1/tenants/" + tenant.json().getString("id") + "/api-keys",
                new JsonObject().put("name", "tests"));
        assertEquals(201, key.status(), key::toString);
        return new Tenants(tenant.json().getString("id"), key.json().getString("id"),
                new Api(port, key.json().getString("key")));
    }
}
