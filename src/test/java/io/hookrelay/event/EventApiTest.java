package io.hookrelay.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.ProblemAssertions;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class EventApiTest {

    static Application app;
    static Tenants tenant;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        tenant = Tenants.create(app, "publisher");
    }

    static Api.Response publish(Tenants who, JsonObject body) {
        return who.api().post("/v1/events", body);
    }

    @Test
    @DisplayName("a published event is accepted with 202 and reads back with its id, type, timestamp and data")
    void publishAndRead() {
        JsonObject data = new JsonObject().put("order_id", 42).put("items", new JsonArray().add("a").add("b"));
        Api.Response accepted = publish(tenant, new JsonObject().put("type", "order.created").put("data", data));
        assertEquals(202, accepted.status(), accepted::toString);
        JsonObject event = accepted.json();
        assertNotNull(event.getString("id"));
        assertEquals("order.created", event.getString("type"));
        assertEquals(data, event.getJsonObject("data"));
        Instant timestamp = Instant.parse(event.getString("timestamp"));
        assertTrue(Math.abs(Instant.now().toEpochMilli() - timestamp.toEpochMilli()) < 60_000);

        Api.Response read = tenant.api().get("/v1/events/" + event.getString("id"));
        assertEquals(200, read.status());
        assertEquals(event, read.json());
        assertEquals(1, TestDatabase.get().count("SELECT count(*) FROM events WHERE id = '" + event.getString("id")
                + "' AND dispatched_at IS NOT NULL"), "written fanned out, with its deliveries (PublishFanOutTest)");
    }

    @Test
    @DisplayName("data may be any JSON value, including scalars and null")
    void anyJsonData() {
        for (Object data : new Object[] {"text", 42, 1.5, true, new JsonArray().add(1), null}) {
            Api.Response accepted = publish(tenant, new JsonObject().put("type", "scalar.test").put("data", data));
            assertEquals(202, accepted.status(), accepted::toString);
            assertEquals(data, tenant.api().get("/v1/events/" + accepted.json().getString("id")).json().getValue("data"));
        }
        ProblemAssertions.assertProblem(publish(tenant, new JsonObject().put("type", "no.data")), 400);
        ProblemAssertions.assertProblem(publish(tenant, new JsonObject().put("type", "nul.data")
                .put("data", new JsonObject().put("k", new JsonArray().add("a\u0000b")))), 400);
        ProblemAssertions.assertProblem(publish(tenant, new JsonObject().put("type", "bad type!").put("data", 1)), 400);
        ProblemAssertions.assertProblem(publish(tenant, new JsonObject().put("data", 1)), 400);
    }

    @Test
    @DisplayName("events list newest first, filtered by exact type, wildcard and time, one page at a time")
    void listAndFilter() {
        Tenants own = Tenants.create(app, "lister");
        List<String> ids = new ArrayList<>();
        for (String type : List.of("invoice.paid", "invoice.voided", "order.created", "invoice.paid")) {
            ids.add(0, publish(own, new JsonObject().put("type", type).put("data", new JsonObject())).json().getString("id"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = own.api().get("/v1/events?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.getJsonArray("data").forEach(e -> seen.add(((JsonObject) e).getString("id")));
            cursor = page.getString("next_cursor");
        } while (cursor != null);
        assertEquals(ids, seen);

        assertEquals(2, own.api().get("/v1/events?type=invoice.paid").json().getJsonArray("data").size());
        assertEquals(3, own.api().get("/v1/events?type=invoice.*").json().getJsonArray("data").size());
        assertEquals(0, own.api().get("/v1/events?type=invoice_*").json().getJsonArray("data").size(),
                "LIKE wildcards in the filter are literal");
        String future = Instant.now().plusSeconds(3600).toString();
        assertEquals(0, own.api().get("/v1/events?since=" + future).json().getJsonArray("data").size());
        assertEquals(4, own.api().get("/v1/events?until=" + future).json().getJsonArray("data").size());
        ProblemAssertions.assertProblem(own.api().get("/v1/events?since=yesterday"), 400);
        assertFalse(tenant.api().get("/v1/events?limit=200").body().contains(ids.get(0)), "tenants see only their own");
        assertEquals(404, tenant.api().get("/v1/events/" + ids.get(0)).status());
    }

    @Test
    @DisplayName("an Idempotency-Key makes a repeated publish return the first event, also when the repeats race")
    void idempotentPublish() throws Exception {
        String key = UUID.randomUUID().toString();
        JsonObject body = new JsonObject().put("type", "payment.captured").put("data", new JsonObject().put("key", key));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<Api.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> tenant.api().post("/v1/events", body, Map.of("Idempotency-Key", key)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Api.Response> answer : pool.invokeAll(calls)) {
                assertEquals(202, answer.get().status(), answer.get()::toString);
                ids.add(answer.get().json().getString("id"));
            }
            assertEquals(1, ids.size());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, TestDatabase.get().count("SELECT count(*) FROM events WHERE data->>'key' = '" + key + "'"));
        ProblemAssertions.assertProblem(tenant.api().post("/v1/events", body.copy().put("type", "payment.other"),
                Map.of("Idempotency-Key", key)), 409);
    }

    @Test
    @DisplayName("a payload over the limit answers 413 and stores nothing")
    void oversized() {
        long before = TestDatabase.get().count("SELECT count(*) FROM events");
        String big = "x".repeat(70_000);
        ProblemAssertions.assertProblem(publish(tenant, new JsonObject().put("type", "big.one").put("data", big)), 413);
        assertEquals(before, TestDatabase.get().count("SELECT count(*) FROM events"));
    }

    @Test
    @DisplayName("subscription_ids must name the tenant's own subscriptions")
    void targetedEvents() {
        Tenants other = Tenants.create(app, "other-publisher");
        String mine = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/t"))
                .json().getString("id");
        String theirs = other.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/o"))
                .json().getString("id");
        Api.Response targeted = publish(tenant, new JsonObject().put("type", "t.x").put("data", 1)
                .put("subscription_ids", new JsonArray().add(mine)));
        assertEquals(202, targeted.status(), targeted::toString);
        assertEquals(new JsonArray().add(mine), targeted.json().getJsonArray("subscription_ids"));
        ProblemAssertions.assertProblem(publish(tenant, new JsonObject().put("type", "t.x").put("data", 1)
                .put("subscription_ids", new JsonArray().add(theirs))), 422);
        ProblemAssertions.assertProblem(publish(tenant, new JsonObject().put("type", "t.x").put("data", 1)
                .put("subscription_ids", new JsonArray().add("not-a-uuid"))), 400);
        assertNull(publish(tenant, new JsonObject().put("type", "t.x").put("data", 1)).json().getJsonArray("subscription_ids"));
    }

    @Test
    @DisplayName("writing an event sends a NOTIFY on hookrelay_events so dispatchers wake at once")
    void notifies() throws Exception {
        var url = TestDatabase.get().url();
        try (Connection conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             Statement statement = conn.createStatement()) {
            statement.execute("LISTEN hookrelay_events");
            assertEquals(202, publish(tenant, new JsonObject().put("type", "wake.up").put("data", 1)).status());
            PGNotification[] notifications = conn.unwrap(PGConnection.class).getNotifications(10_000);
            assertTrue(notifications != null && notifications.length > 0, "a notification arrives");
            assertEquals("hookrelay_events", notifications[0].getName());
        }
    }
}
