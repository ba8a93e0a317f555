package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The edges of the retry and auto-disable settings, on an instance (and database) of their own. */
class DeliveryLimitsTest {

    static final Duration PATIENCE = Duration.ofSeconds(20);
    static TestDatabase db;
    static Application app;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        db = TestDatabase.get("delivery-limits");
        app = TestService.start(Map.of(
                "HOOKRELAY_DATABASE_URL", db.url().toUrl(),
                "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true",
                "HOOKRELAY_RETRY_INITIAL_MS", "50",
                "HOOKRELAY_RETRY_MAX_MS", "100",
                "HOOKRELAY_RETRY_MAX_ATTEMPTS", "3",
                "HOOKRELAY_DISABLE_AFTER_FAILURES", "5",
                "HOOKRELAY_DISABLE_AFTER", "PT0S",
                "HOOKRELAY_DELIVERY_POLL_INTERVAL", "PT0.1S"));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
        app.close();
    }

    @Test
    @DisplayName("a delivery that runs out of attempts is failed, stays visible, and failures beyond the streak disable the endpoint")
    void exhaustionAndAutoDisable() throws Exception {
        Tenants tenant = Tenants.create(app, "exhausted");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(500))) {
            JsonObject sub = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", receiver.url())).json();
            String id = sub.getString("id");
            tenant.api().post("/v1/events", new JsonObject().put("type", "doomed.one").put("data", 1));
            Receiver.await("three attempts, then failed", PATIENCE, () -> db.count(
                    "SELECT count(*) FROM deliveries WHERE subscription_id = '" + id + "' AND status = 'failed'") == 1);
            assertEquals(3, receiver.received().size(), "exactly HOOKRELAY_RETRY_MAX_ATTEMPTS attempts");
            assertEquals("active", tenant.api().get("/v1/subscriptions/" + id).json().getString("status"),
                    "three failures are below the streak of five");

            tenant.api().post("/v1/events", new JsonObject().put("type", "doomed.two").put("data", 2));
            tenant.api().post("/v1/events", new JsonObject().put("type", "doomed.three").put("data", 3));
            Receiver.await("the endpoint is disabled", PATIENCE,
                    () -> "disabled".equals(tenant.api().get("/v1/subscriptions/" + id).json().getString("status")));
            Api.Response disabled = tenant.api().get("/v1/subscriptions/" + id);
            assertTrue(disabled.json().getString("disabled_reason").contains("consecutive failed attempts"), disabled::toString);
            Receiver.await("its pending deliveries are parked, not lost", PATIENCE, () -> db.count(
                    "SELECT count(*) FROM deliveries WHERE subscription_id = '" + id + "' AND status = 'parked'") >= 1);
            assertEquals(1, db.count("SELECT count(*) FROM events WHERE type = 'subscription.disabled' AND data->>'subscription_id' = '"
                    + id + "'"));
        }
    }
}
