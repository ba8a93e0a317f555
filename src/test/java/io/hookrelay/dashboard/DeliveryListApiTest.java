package io.hookrelay.dashboard;

import static io.hookrelay.dashboard.DashboardService.admin;
import static io.hookrelay.dashboard.DashboardService.awaitDeliveries;
import static io.hookrelay.dashboard.DashboardService.publish;
import static io.hookrelay.dashboard.DashboardService.subscribe;
import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Listing and reading deliveries: filters, keyset pages, attempts with redacted headers, tenant scoping. */
class DeliveryListApiTest {

    static Application app;
    static Vertx vertx;
    static Tenants tenant;
    static Tenants other;
    static Receiver ok;
    static Receiver failing;
    static JsonObject okSub;
    static JsonObject failingSub;
    static List<JsonObject> events = new ArrayList<>();
    static Instant middle;

    @BeforeAll
    static void deliverSome() throws Exception {
        app = DashboardService.app();
        vertx = Vertx.vertx();
        tenant = Tenants.create(app, "dashboard-list");
        other = Tenants.create(app, "dashboard-list-other");
        ok = Receiver.start(vertx, Receiver.status(200));
        failing = Receiver.start(vertx, Receiver.status(500));
        okSub = subscribe(tenant, ok.url(), new JsonObject().put("headers", new JsonObject()
                .put("x-team", "blue")
                .put("x-api-key", "live-key-1")
                .put("x-partner", "9f8a7b6c5d4e3f2a1b0c")
                .put("authorization", "Basic dXNlcjpwYXNz")
                .put("x-session", "s-123")
                .put("x-auth-token", "t0k3n")
                .put("x-carrier", "Bearer abc.def")));
        failingSub = subscribe(tenant, failing.url(), new JsonObject());
        for (int i = 0; i < 3; i++) {
            events.add(publish(tenant, "order.created", new JsonObject().put("n", i)));
        }
        awaitDeliveries(okSub.getString("id"), "succeeded", 3);
        awaitDeliveries(failingSub.getString("id"), "failed", 3);
        Thread.sleep(20);
        middle = Instant.now();
        Thread.sleep(20);
        for (int i = 3; i < 5; i++) {
            events.add(publish(tenant, "order.shipped", new JsonObject().put("n", i)));
        }
        awaitDeliveries(okSub.getString("id"), "succeeded", 5);
        awaitDeliveries(failingSub.getString("id"), "failed", 5);
        // The other tenant has deliveries too, which the first must never see.
        JsonObject otherSub = subscribe(other, ok.url(), new JsonObject());
        publish(other, "order.created", 1);
        awaitDeliveries(otherSub.getString("id"), "succeeded", 1);
    }

    @AfterAll
    static void stop() throws Exception {
        ok.close();
        failing.close();
        vertx.close();
    }

    static JsonArray list(Api api, String query) {
        Api.Response answer = api.get("/v1/deliveries" + query);
        assertEquals(200, answer.status(), answer::toString);
        return answer.json().getJsonArray("data");
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the list shows the tenant's deliveries newest first, with event type, state and last answer")
    void listsNewestFirst() {
        JsonArray all = list(tenant.api(), "");
        assertEquals(10, all.size());
        List<String> ids = new ArrayList<>();
        all.forEach(d -> ids.add(((JsonObject) d).getString("id")));
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort((a, b) -> b.compareTo(a));
        assertEquals(sorted, ids, "newest (largest UUIDv7) first");
        JsonObject newest = all.getJsonObject(0);
        assertEquals(tenant.tenantId(), newest.getString("tenant_id"));
        assertEquals("order.shipped", newest.getString("event_type"));
        for (Object item : all) {
            JsonObject d = (JsonObject) item;
            if (d.getString("subscription_id").equals(failingSub.getString("id"))) {
                assertEquals("failed", d.getString("status"));
                assertEquals(500, d.getInteger("last_status_code"));
                assertEquals(2, d.getInteger("attempts"));
                assertEquals(2, d.getInteger("cycle_attempts"), "HOOKRELAY_RETRY_MAX_ATTEMPTS=2 used up in one cycle");
                assertNull(d.getString("next_attempt_at"), "a finished delivery is not due");
                assertTrue(d.getString("completed_at") != null);
            } else {
                assertEquals("succeeded", d.getString("status"));
                assertEquals(200, d.getInteger("last_status_code"));
            }
        }
    }

    @Test
    @DisplayName("every filter narrows the list: subscription, event, status, since and until")
    void filters() {
        assertEquals(5, list(tenant.api(), "?subscription_id=" + okSub.getString("id")).size());
        JsonArray byEvent = list(tenant.api(), "?event_id=" + events.get(0).getString("id"));
        assertEquals(2, byEvent.size());
        byEvent.forEach(d -> assertEquals(events.get(0).getString("id"), ((JsonObject) d).getString("event_id")));
        assertEquals(5, list(tenant.api(), "?status=failed").size());
        assertEquals(5, list(tenant.api(), "?status=succeeded").size());
        assertEquals(0, list(tenant.api(), "?status=pending").size());
        assertEquals(4, list(tenant.api(), "?since=" + q(middle.toString())).size());
        assertEquals(6, list(tenant.api(), "?until=" + q(middle.toString())).size());
        JsonArray combined = list(tenant.api(), "?status=failed&since=" + q(middle.toString()) + "&subscription_id="
                + failingSub.getString("id"));
        assertEquals(2, combined.size());
        assertEquals(0, list(tenant.api(), "?subscription_id=" + okSub.getString("id") + "&status=failed").size());
    }

    @Test
    @DisplayName("keyset pages walk the whole list once, with no repeats, and end with a null cursor")
    void paging() {
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            Api.Response page = tenant.api().get("/v1/deliveries?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page::toString);
            for (Object d : page.json().getJsonArray("data")) {
                assertTrue(seen.add(((JsonObject) d).getString("id")), "no delivery twice");
            }
            cursor = page.json().getString("next_cursor");
            pages++;
        } while (cursor != null);
        assertEquals(10, seen.size());
        assertEquals(4, pages);
        Api.Response filtered = tenant.api().get("/v1/deliveries?limit=2&status=failed");
        String next = filtered.json().getString("next_cursor");
        JsonArray second = list(tenant.api(), "?limit=2&status=failed&cursor=" + next);
        assertEquals(2, second.size());
        second.forEach(d -> assertEquals("failed", ((JsonObject) d).getString("status")));
    }

    @Test
    @DisplayName("a delivery's detail lists its attempts oldest first, with status, duration, excerpt and error")
    void detailWithAttempts() {
        JsonObject failed = list(tenant.api(), "?status=failed&limit=1").getJsonObject(0);
        Api.Response detail = tenant.api().get("/v1/deliveries/" + failed.getString("id"));
        assertEquals(200, detail.status(), detail::toString);
        JsonArray attempts = detail.json().getJsonArray("attempts_history");
        assertEquals(2, attempts.size());
        for (int i = 0; i < 2; i++) {
            JsonObject attempt = attempts.getJsonObject(i);
            assertEquals(i + 1, attempt.getInteger("attempt"));
            assertEquals(500, attempt.getInteger("status_code"));
            assertFalse(attempt.getBoolean("succeeded"));
            assertEquals("status 500", attempt.getString("response_excerpt"));
            assertTrue(attempt.getInteger("duration_ms") >= 0);
            assertEquals(failed.getString("event_id"), attempt.getJsonObject("request_headers").getString("webhook-id"));
        }
        assertTrue(attempts.getJsonObject(0).getString("attempted_at").compareTo(attempts.getJsonObject(1).getString("attempted_at")) <= 0);
    }

    @Test
    @DisplayName("attempt headers show no credential: signature, cookie, api keys, tokens and bearer values are redacted")
    void headersRedacted() {
        JsonObject delivered = list(tenant.api(), "?subscription_id=" + okSub.getString("id") + "&limit=1").getJsonObject(0);
        JsonObject headers = tenant.api().get("/v1/deliveries/" + delivered.getString("id")).json()
                .getJsonArray("attempts_history").getJsonObject(0).getJsonObject("request_headers");
        assertEquals("blue", headers.getString("x-team"), "a harmless custom header is shown");
        assertEquals("application/json", headers.getString("content-type"));
        assertEquals(delivered.getString("event_id"), headers.getString("webhook-id"));
        for (String secret : List.of("webhook-signature", "x-api-key", "x-partner", "authorization", "x-session", "x-auth-token", "x-carrier")) {
            assertEquals("(redacted)", headers.getString(secret), secret + " in " + headers);
        }
        String shown = headers.encode();
        for (String value : List.of("live-key-1", "9f8a7b6c5d4e3f2a1b0c", "dXNlcjpwYXNz", "s-123", "t0k3n", "abc.def", "v1,")) {
            assertFalse(shown.contains(value), value + " leaked in " + shown);
        }
    }

    @Test
    @DisplayName("another tenant's deliveries are invisible: not listed, and their ids answer 404")
    void tenantScoping() {
        JsonArray mine = list(tenant.api(), "");
        JsonArray theirs = list(other.api(), "");
        assertEquals(1, theirs.size());
        String foreign = theirs.getJsonObject(0).getString("id");
        mine.forEach(d -> assertFalse(foreign.equals(((JsonObject) d).getString("id"))));
        assertProblem(tenant.api().get("/v1/deliveries/" + foreign), 404);
        assertProblem(tenant.api().post("/v1/deliveries/" + foreign + "/retry", null), 404);
        assertEquals(0, list(tenant.api(), "?event_id=" + theirs.getJsonObject(0).getString("event_id")).size());
        assertProblem(tenant.api().get("/v1/deliveries?tenant_id=" + other.tenantId()), 404);
        assertEquals(10, list(tenant.api(), "?tenant_id=" + tenant.tenantId()).size(), "naming its own tenant is fine");
    }

    @Test
    @DisplayName("the admin sees every tenant's deliveries and may narrow to one with tenant_id")
    void adminSeesAll() {
        JsonArray one = list(admin(), "?tenant_id=" + other.tenantId());
        assertEquals(1, one.size());
        assertEquals(other.tenantId(), one.getJsonObject(0).getString("tenant_id"));
        Set<String> tenants = new HashSet<>();
        list(admin(), "?limit=200").forEach(d -> tenants.add(((JsonObject) d).getString("tenant_id")));
        assertTrue(tenants.containsAll(Set.of(tenant.tenantId(), other.tenantId())), tenants.toString());
        assertEquals(200, admin().get("/v1/deliveries/" + one.getJsonObject(0).getString("id")).status());
    }

    @Test
    @DisplayName("malformed filters answer 400 problems: bad ids, times, status, window order, limit and cursor")
    void hostileFilters() {
        for (String query : List.of("?subscription_id=nope", "?event_id=" + "1".repeat(36), "?status=done",
                "?since=yesterday", "?until=2026-13-01T00:00:00Z", "?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
                "?limit=0", "?limit=201", "?status=failed&status=succeeded", "?cursor=not-a-cursor", "?tenant_id=x", "?subscription_id=" + "a".repeat(100))) {
            Api.Response answer = tenant.api().get("/v1/deliveries" + query);
            assertProblem(answer, 400);
        }
        assertProblem(tenant.api().get("/v1/deliveries/not-a-uuid"), 404);
        assertProblem(tenant.api().get("/v1/deliveries/" + java.util.UUID.randomUUID()), 404);
        assertProblem(tenant.api().as(null).get("/v1/deliveries"), 401);
        assertProblem(tenant.api().as("hr_unknown").get("/v1/deliveries"), 401);
    }
}
