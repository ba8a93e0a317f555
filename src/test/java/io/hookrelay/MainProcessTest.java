package io.hookrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.support.Api;
import io.hookrelay.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
}
