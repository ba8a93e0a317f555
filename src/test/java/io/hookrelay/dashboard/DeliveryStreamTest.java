package io.hookrelay.dashboard;

import static io.hookrelay.dashboard.DashboardService.PATIENCE;
import static io.hookrelay.dashboard.DashboardService.awaitDeliveries;
import static io.hookrelay.dashboard.DashboardService.publish;
import static io.hookrelay.dashboard.DashboardService.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The live outcome stream: what it pushes, to whom, from which instance, and that it never blocks a stop. */
class DeliveryStreamTest {

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

    @Test
    @DisplayName("outcomes reach the tenant's stream as they happen, never another tenant's, and filter by subscription")
    void scopedOutcomes() throws Exception {
        Tenants tenant = Tenants.create(app, "stream");
        Tenants other = Tenants.create(app, "stream-other");
        try (Receiver receiver = Receiver.start(vertx, Receiver.failTimesThenSucceed(1, 502));
             Receiver quiet = Receiver.start(vertx, Receiver.status(200))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            JsonObject quietSub = subscribe(tenant, quiet.url(), new JsonObject().put("event_types",
                    new io.vertx.core.json.JsonArray().add("never.*")));
            try (EventStreamClient mine = EventStreamClient.open(app.httpPort(), tenant.api().token(), "");
                 EventStreamClient theirs = EventStreamClient.open(app.httpPort(), other.api().token(), "");
                 EventStreamClient filtered = EventStreamClient.open(app.httpPort(), tenant.api().token(),
                         "?subscription_id=" + quietSub.getString("id"));
                 EventStreamClient admin = EventStreamClient.open(app.httpPort(), app.adminToken(),
                         "?tenant_id=" + tenant.tenantId());
                 EventStreamClient everything = EventStreamClient.open(app.httpPort(), app.adminToken(), "")) {
                assertEquals(200, mine.status);
                assertTrue(mine.contentType.startsWith("text/event-stream"), mine.contentType);
                Receiver.await("the streams are connected", PATIENCE, () -> mine.lines.contains(":")
                        && theirs.lines.contains(":") && filtered.lines.contains(":")
                        && admin.lines.contains(":"));

                JsonObject event = publish(tenant, "order.created", 1);
                awaitDeliveries(sub.getString("id"), "succeeded", 1);
                Receiver.await("both outcomes on the tenant's stream", PATIENCE, () -> mine.outcomes().size() == 2);
                List<JsonObject> outcomes = mine.outcomes();
                JsonObject first = outcomes.get(0);
                assertEquals(sub.getString("id"), first.getString("subscription_id"));
                assertEquals(event.getString("id"), first.getString("event_id"));
                assertEquals("order.created", first.getString("event_type"));
                assertEquals(tenant.tenantId(), first.getString("tenant_id"));
                assertEquals(502, first.getInteger("status_code"));
                assertEquals(1, first.getInteger("attempt"));
                assertTrue(first.getInteger("duration_ms") >= 0);
                JsonObject second = outcomes.get(1);
                assertEquals(200, second.getInteger("status_code"));
                assertEquals("succeeded", second.getString("status"));
                assertEquals(first.getString("delivery_id"), second.getString("delivery_id"));
                Receiver.await("the admin's stream for the tenant", PATIENCE, () -> admin.outcomes().size() == 2);

                // The other tenant's own delivery proves its stream works while it never saw the first tenant's.
                JsonObject otherSub = subscribe(other, quiet.url(), new JsonObject());
                publish(other, "order.created", 2);
                Receiver.await("the other tenant's own outcome", PATIENCE, () -> theirs.outcomes().size() == 1);
                assertEquals(otherSub.getString("id"), theirs.outcomes().get(0).getString("subscription_id"));
                assertEquals(2, mine.outcomes().size(), "the tenant never sees the other tenant's outcome");
                Receiver.await("the admin's unfiltered stream sees both tenants", PATIENCE, () -> everything.outcomes().stream()
                        .map(o -> o.getString("tenant_id")).collect(java.util.stream.Collectors.toSet())
                        .containsAll(List.of(tenant.tenantId(), other.tenantId())));
                assertEquals(2, admin.outcomes().size(), "the admin's stream narrowed to one tenant stays narrow");
                assertEquals(0, filtered.outcomes().size(), "the subscription filter holds back other subscriptions");
                assertTrue(mine.lines.stream().filter(l -> l.startsWith("id: ")).count() == 2, "each frame has an id");
            }
        }
    }

    @Test
    @DisplayName("an instance that does not deliver streams outcomes recorded by another one")
    void acrossInstances() throws Exception {
        Tenants tenant = Tenants.create(app, "stream-across");
        Application second = TestService.start(Map.of("HOOKRELAY_DATABASE_URL", DashboardService.database().url().toUrl(),
                "HOOKRELAY_DELIVERY_ENABLED", "false", "HOOKRELAY_POLLER_ENABLED", "false"));
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(204))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            try (EventStreamClient stream = EventStreamClient.open(second.httpPort(), tenant.api().token(), "")) {
                Receiver.await("connected", PATIENCE, () -> stream.lines.contains(":"));
                publish(tenant, "order.created", 1);
                Receiver.await("the outcome through the other instance", PATIENCE, () -> stream.outcomes().size() == 1);
                assertEquals(sub.getString("id"), stream.outcomes().get(0).getString("subscription_id"));

                long started = System.nanoTime();
                second.close();
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                stream.awaitEnd(Duration.ofSeconds(5));
                assertTrue(stream.ended, "the stop ended the open stream");
                assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "an open stream does not hold up a stop: " + took);
            }
        } finally {
            second.close();
        }
    }

    @Test
    @DisplayName("the stream authenticates like every /v1 call and refuses bad or foreign filters with problems")
    void refusals() throws Exception {
        Tenants tenant = Tenants.create(app, "stream-refused");
        Tenants other = Tenants.create(app, "stream-refused-other");
        JsonObject foreign = subscribe(other, "https://example.com/hooks", new JsonObject());
        for (var refused : List.of(
                Map.entry(401, EventStreamClient.open(app.httpPort(), null, "")),
                Map.entry(401, EventStreamClient.open(app.httpPort(), "hr_nope", "")),
                Map.entry(400, EventStreamClient.open(app.httpPort(), tenant.api().token(), "?subscription_id=bad")),
                Map.entry(404, EventStreamClient.open(app.httpPort(), tenant.api().token(), "?subscription_id=" + foreign.getString("id"))),
                Map.entry(404, EventStreamClient.open(app.httpPort(), tenant.api().token(), "?tenant_id=" + other.tenantId())),
                Map.entry(400, EventStreamClient.open(app.httpPort(), tenant.api().token(), "?tenant_id=1&tenant_id=2")))) {
            EventStreamClient answer = refused.getValue();
            assertEquals(refused.getKey(), answer.status, answer.body);
            assertEquals("application/problem+json", answer.contentType);
            assertEquals(refused.getKey(), new JsonObject(answer.body).getInteger("status"));
        }
    }
}
