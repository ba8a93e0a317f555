package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hookrelay.Application;
import io.hookrelay.db.embedded.EmbeddedDatabase;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.ServiceProcess;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL stops under load and comes back on the same address: the service recovers by itself. */
class DatabaseRestartTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("when PostgreSQL restarts mid-delivery, readiness fails, then every event is still delivered")
    void recoversFromDatabaseRestart() throws Exception {
        int pgPort = ServiceProcess.freePort();
        EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("pg"), pgPort, EmbeddedDatabase.DEFAULT_START_TIMEOUT);
        Vertx vertx = Vertx.vertx();
        Set<String> arrived = ConcurrentHashMap.newKeySet();
        Application app = null;
        try (Receiver receiver = Receiver.start(vertx, (n, request, v) -> {
            arrived.add(request.getHeader("webhook-id"));
            v.setTimer(50, id -> request.response().setStatusCode(200).end());
        })) {
            app = TestService.start(Map.of(
                    "HOOKRELAY_DATABASE_URL", database.url().toUrl(),
                    "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true",
                    "HOOKRELAY_RETRY_INITIAL_MS", "100",
                    "HOOKRELAY_RETRY_MAX_MS", "500",
                    "HOOKRELAY_DELIVERY_TIMEOUT", "PT2S",
                    "HOOKRELAY_DELIVERY_LEASE", "PT5S",
                    "HOOKRELAY_DELIVERY_POLL_INTERVAL", "PT0.2S"));
            Tenants tenant = Tenants.create(app, "restart");
            assertEquals(201, tenant.api().post("/v1/subscriptions", new JsonObject().put("url", receiver.url())).status());
            Set<String> published = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                published.add(tenant.api().post("/v1/events", new JsonObject().put("type", "before.restart").put("data", i))
                        .json().getString("id"));
            }

            database.close();
            Api anonymous = new Api(app.httpPort(), null);
            Receiver.await("readiness reports the database down", Duration.ofSeconds(20),
                    () -> anonymous.get("/health/ready").status() == 503);
            Thread.sleep(1000);
            database = EmbeddedDatabase.start(dir.resolve("pg"), pgPort, EmbeddedDatabase.DEFAULT_START_TIMEOUT);

            Receiver.await("readiness recovers", Duration.ofSeconds(60), () -> anonymous.get("/health/ready").status() == 200);
            for (int i = 0; i < 100; i++) {
                Api.Response accepted = tenant.api().post("/v1/events", new JsonObject().put("type", "after.restart").put("data", i));
                assertEquals(202, accepted.status(), accepted::toString);
                published.add(accepted.json().getString("id"));
            }
            Receiver.await("every event delivered, before and after the restart", Duration.ofSeconds(90),
                    () -> arrived.containsAll(published));
        } finally {
            if (app != null) {
                app.close();
            }
            database.close();
            vertx.close();
        }
    }
}
