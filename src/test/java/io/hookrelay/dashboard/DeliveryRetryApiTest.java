package io.hookrelay.dashboard;

import static io.hookrelay.dashboard.DashboardService.PATIENCE;
import static io.hookrelay.dashboard.DashboardService.admin;
import static io.hookrelay.dashboard.DashboardService.awaitDeliveries;
import static io.hookrelay.dashboard.DashboardService.publish;
import static io.hookrelay.dashboard.DashboardService.subscribe;
import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Queueing deliveries again, one or by filter, and the states that refuse it. */
class DeliveryRetryApiTest {

    static Application app;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        app = DashboardService.app();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    static JsonArray deliveries(Tenants tenant, String subscriptionId) {
        Api.Response list = tenant.api().get("/v1/deliveries?subscription_id=" + subscriptionId);
        assertEquals(200, list.status(), list::toString);
        return list.json().getJsonArray("data");
    }

    @Test
    @DisplayName("a failed delivery retried by hand succeeds, keeps its earlier attempts and its webhook-id")
    void retryOne() throws Exception {
        Tenants tenant = Tenants.create(app, "retry-one");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(503))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            JsonObject event = publish(tenant, "order.created", 1);
            awaitDeliveries(sub.getString("id"), "failed", 1);
            String id = deliveries(tenant, sub.getString("id")).getJsonObject(0).getString("id");

            receiver.behave(Receiver.status(204));
            Api.Response retried = tenant.api().post("/v1/deliveries/" + id + "/retry", null);
            assertEquals(202, retried.status(), retried::toString);
            assertEquals("pending", retried.json().getString("status"));
            assertEquals(id, retried.json().getString("id"));
            awaitDeliveries(sub.getString("id"), "succeeded", 1);

            JsonObject detail = tenant.api().get("/v1/deliveries/" + id).json();
            JsonArray attempts = detail.getJsonArray("attempts_history");
            assertEquals(3, attempts.size(), "two failed attempts and the successful one");
            assertEquals(List.of(503, 503, 204), List.of(attempts.getJsonObject(0).getInteger("status_code"),
                    attempts.getJsonObject(1).getInteger("status_code"), attempts.getJsonObject(2).getInteger("status_code")));
            assertEquals(1, attempts.getJsonObject(2).getInteger("attempt"), "a fresh retry budget starts again at 1");
            assertEquals(3, detail.getInteger("attempts"), "every attempt ever made");
            assertEquals(1, detail.getInteger("cycle_attempts"), "the attempts since the retry");
            Set<String> webhookIds = new HashSet<>();
            receiver.received().forEach(r -> webhookIds.add(r.header("webhook-id")));
            assertEquals(Set.of(event.getString("id")), webhookIds, "every attempt carries the event id as webhook-id");

            Api.Response again = tenant.api().post("/v1/deliveries/" + id + "/retry", null);
            assertEquals(202, again.status(), "a succeeded delivery may be sent again: " + again);
            Receiver.await("the repeat", PATIENCE, () -> receiver.received().size() == 4);
        }
    }

    @Test
    @DisplayName("attempts counts every attempt, as the history does; cycle_attempts only those since the retry")
    void attemptCountsAfterARetry() throws Exception {
        Tenants tenant = Tenants.create(app, "retry-counts");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(503))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            publish(tenant, "order.created", 1);
            awaitDeliveries(sub.getString("id"), "failed", 1);
            String id = deliveries(tenant, sub.getString("id")).getJsonObject(0).getString("id");
            JsonObject failed = tenant.api().get("/v1/deliveries/" + id).json();
            assertEquals(2, failed.getInteger("attempts"), failed::toString);
            assertEquals(2, failed.getInteger("cycle_attempts"), "HOOKRELAY_RETRY_MAX_ATTEMPTS=2 used up");

            // 410 stops the delivery after this one more failure (it parks), so the counts hold still to be read.
            receiver.behave(Receiver.status(410));
            assertEquals(202, tenant.api().post("/v1/deliveries/" + id + "/retry", null).status());
            awaitDeliveries(sub.getString("id"), "parked", 1);

            JsonObject detail = tenant.api().get("/v1/deliveries/" + id).json();
            assertEquals(3, detail.getJsonArray("attempts_history").size(), detail::toString);
            assertEquals(3, detail.getInteger("attempts"), "the total matches the history");
            assertEquals(1, detail.getInteger("cycle_attempts"), "one attempt since the retry");
            JsonObject listed = deliveries(tenant, sub.getString("id")).getJsonObject(0);
            assertEquals(3, listed.getInteger("attempts"), "the list shows the same counts");
            assertEquals(1, listed.getInteger("cycle_attempts"));
            assertEquals(3, receiver.received().size(), "three requests reached the receiver");
        }
    }

    @Test
    @DisplayName("retrying a pending delivery answers 409 already-queued; a parked one 409 subscription-disabled")
    void refusals() throws Exception {
        Tenants tenant = Tenants.create(app, "retry-refused");
        try (Receiver receiver = Receiver.start(vertx, Receiver.hang())) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            publish(tenant, "order.created", 1);
            Receiver.await("the delivery is in flight", PATIENCE, () -> receiver.received().size() == 1);
            String id = deliveries(tenant, sub.getString("id")).getJsonObject(0).getString("id");
            Api.Response pending = tenant.api().post("/v1/deliveries/" + id + "/retry", null);
            assertProblem(pending, 409);
            assertTrue(pending.json().getString("type").endsWith("/already-queued"), pending::toString);

            assertEquals(200, tenant.api().post("/v1/subscriptions/" + sub.getString("id") + "/disable", null).status());
            awaitDeliveries(sub.getString("id"), "parked", 1);
            Api.Response parked = tenant.api().post("/v1/deliveries/" + id + "/retry", null);
            assertProblem(parked, 409);
            assertTrue(parked.json().getString("type").endsWith("/subscription-disabled"), parked::toString);
            assertTrue(parked.json().getString("detail").contains("enable"), parked::toString);
            assertEquals(1, DashboardService.count("SELECT count(*) FROM deliveries WHERE id = '" + id + "' AND status = 'parked'"),
                    "a refused retry changes nothing");
        }
    }

    @Test
    @DisplayName("bulk retry by filter answers how many it queued; they then succeed against the repaired receiver")
    void bulkRetry() throws Exception {
        Tenants tenant = Tenants.create(app, "retry-bulk");
        Tenants other = Tenants.create(app, "retry-bulk-other");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(500));
             Receiver fine = Receiver.start(vertx, Receiver.status(200))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            JsonObject good = subscribe(tenant, fine.url(), new JsonObject());
            for (int i = 0; i < 3; i++) {
                publish(tenant, "order.created", i);
            }
            awaitDeliveries(sub.getString("id"), "failed", 3);
            awaitDeliveries(good.getString("id"), "succeeded", 3);

            Api.Response foreign = other.api().post("/v1/deliveries/retry",
                    new JsonObject().put("subscription_id", sub.getString("id")));
            assertEquals(202, foreign.status(), foreign::toString);
            assertEquals(0, foreign.json().getInteger("queued"), "another tenant's subscription matches nothing");

            receiver.behave(Receiver.status(200));
            Map<String, String> key = Map.of("Idempotency-Key", "bulk-" + tenant.tenantId());
            JsonObject body = new JsonObject().put("subscription_id", sub.getString("id"));
            Api.Response queued = tenant.api().post("/v1/deliveries/retry", body, key);
            assertEquals(202, queued.status(), queued::toString);
            assertEquals(3, queued.json().getInteger("queued"), "only the failed ones (status defaults to failed)");
            assertFalse(queued.json().getBoolean("limit_reached"));
            awaitDeliveries(sub.getString("id"), "succeeded", 3);

            Api.Response replay = tenant.api().post("/v1/deliveries/retry", body, key);
            assertEquals(202, replay.status());
            assertEquals(3, replay.json().getInteger("queued"), "the same key replays the first answer");
            assertProblem(tenant.api().post("/v1/deliveries/retry", new JsonObject().put("status", "succeeded"), key), 409);

            Api.Response none = tenant.api().post("/v1/deliveries/retry", body);
            assertEquals(0, none.json().getInteger("queued"), "nothing failed is left");

            Api.Response succeeded = admin().post("/v1/deliveries/retry", new JsonObject().put("tenant_id", tenant.tenantId())
                    .put("status", "succeeded").put("subscription_id", good.getString("id")));
            assertEquals(3, succeeded.json().getInteger("queued"), succeeded::toString);
            Receiver.await("the repeats", PATIENCE, () -> fine.received().size() == 6);
        }
    }

    @Test
    @DisplayName("bulk retry refuses an empty filter, unknown fields, bad ids, times and states with 400 problems")
    void bulkHostile() {
        Tenants tenant = Tenants.create(app, "retry-hostile");
        for (String body : List.of("{}", "{\"status\":\"pending\"}", "{\"status\":\"parked\"}", "{\"everything\":true}",
                "{\"subscription_id\":\"nope\"}", "{\"since\":\"soon\"}", "{\"subscription_id\":\"" + "a".repeat(65) + "\"}",
                "{\"since\":\"2026-02-01T00:00:00Z\",\"until\":\"2026-01-01T00:00:00Z\"}", "[]", "{\"status\":7}",
                "{\"tenant_id\":\"zzz\"}")) {
            Api.Response answer = tenant.api().send("POST", "/v1/deliveries/retry", body, Map.of());
            assertProblem(answer, 400);
        }
        assertProblem(tenant.api().post("/v1/deliveries/retry", new JsonObject().put("tenant_id", java.util.UUID.randomUUID().toString())
                .put("status", "failed")), 404);
        assertProblem(tenant.api().post("/v1/deliveries/not-an-id/retry", null), 404);
    }
}
