package io.hookrelay.dashboard;

import static io.hookrelay.dashboard.DashboardService.admin;
import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Statistics checked against attempts written with known times, durations and answers. */
class StatsApiTest {

    static Application app;
    static Tenants tenant;
    static Tenants other;
    static String fast;
    static String slow;
    static Instant now;
    /** The attempts of {@link #fast} in the last hour: durations and answers. */
    static final int[] HOUR_DURATIONS = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    static final Integer[] HOUR_CODES = {200, 200, 500, 200, 204, 500, null, 200, 201, 200};
    static final Map<Long, Integer> HOUR_BUCKETS = new HashMap<>();

    @BeforeAll
    static void writeKnownAttempts() {
        app = DashboardService.app();
        tenant = Tenants.create(app, "stats");
        other = Tenants.create(app, "stats-other");
        // Subscriptions that are never sent anything: the attempts below are written directly.
        fast = subscription(tenant, "https://fast.example.com/hooks");
        slow = subscription(tenant, "https://slow.example.com/hooks");
        String foreign = subscription(other, "https://other.example.com/hooks");
        KnownAttempts known = new KnownAttempts(DashboardService.database(), tenant.tenantId());
        now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < HOUR_DURATIONS.length; i++) {
            Instant at = now.minus(Duration.ofMinutes(1 + 5L * i));
            known.add(fast, at, HOUR_DURATIONS[i], HOUR_CODES[i]);
            HOUR_BUCKETS.merge(at.toEpochMilli() / 300_000 * 300_000, 1, Integer::sum);
        }
        known.add(fast, now.minus(Duration.ofHours(3)), 15, 200);
        known.add(fast, now.minus(Duration.ofHours(3)), 25, 200);
        known.add(fast, now.minus(Duration.ofDays(3)), 35, 200);
        known.add(fast, now.minus(Duration.ofDays(8)), 99_999, 500);
        known.add(slow, now.minus(Duration.ofMinutes(30)), 1000, 200);
        known.add(slow, now.minus(Duration.ofMinutes(40)), 3000, 200);
        known.backlog(fast, "pending");
        known.backlog(fast, "pending");
        known.backlog(fast, "parked");
        new KnownAttempts(DashboardService.database(), other.tenantId()).add(foreign, now.minus(Duration.ofMinutes(2)), 5, 500);
        DashboardService.database().execute("UPDATE subscriptions SET failure_streak = 4, failing_since = '2026-01-02T03:04:05Z',"
                + " last_success_at = '2026-01-01T00:00:00Z', last_failure_at = '2026-01-02T03:04:05Z' WHERE id = '" + fast + "'");
    }

    static String subscription(Tenants owner, String url) {
        // A strict URL policy would refuse nothing here: the URL is public, and nothing is ever sent to it.
        DashboardService.database().execute("SELECT 1");
        Api.Response created = owner.api().post("/v1/subscriptions", new JsonObject().put("url", url));
        assertEquals(201, created.status(), created::toString);
        return created.json().getString("id");
    }

    static JsonObject get(Api api, String path) {
        Api.Response answer = api.get(path);
        assertEquals(200, answer.status(), answer::toString);
        return answer.json();
    }

    @Test
    @DisplayName("subscription stats for 1h: counts, rate, percentiles, backlog, health and a continuous series")
    void subscriptionHour() {
        JsonObject stats = get(tenant.api(), "/v1/subscriptions/" + fast + "/stats?window=1h");
        assertEquals("1h", stats.getString("window"));
        assertEquals(300, stats.getInteger("bucket_seconds"));
        assertEquals(10, stats.getInteger("attempts"));
        assertEquals(7, stats.getInteger("successes"));
        assertEquals(3, stats.getInteger("failures"));
        assertEquals(0.7, stats.getDouble("success_rate"), 1e-9);
        double[] sorted = Arrays.stream(HOUR_DURATIONS).asDoubleStream().sorted().toArray();
        JsonObject latency = stats.getJsonObject("latency_ms");
        assertEquals(KnownAttempts.percentile(sorted, 0.5), latency.getDouble("p50"), 0.05);
        assertEquals(KnownAttempts.percentile(sorted, 0.95), latency.getDouble("p95"), 0.05);
        assertEquals(KnownAttempts.percentile(sorted, 0.99), latency.getDouble("p99"), 0.05);
        assertEquals(new JsonObject().put("pending", 2).put("parked", 1), stats.getJsonObject("backlog"));
        assertEquals(4, stats.getInteger("failure_streak"));
        assertEquals("2026-01-02T03:04:05.000Z", stats.getString("failing_since"));
        assertEquals("2026-01-01T00:00:00.000Z", stats.getString("last_success_at"));
        assertEquals("2026-01-02T03:04:05.000Z", stats.getString("last_failure_at"));

        JsonArray series = stats.getJsonArray("series");
        assertEquals(12, series.size(), "every 5-minute bucket of the hour, empty ones too");
        Instant from = Instant.parse(stats.getString("from"));
        assertEquals(Duration.ofHours(1), Duration.between(from, Instant.parse(stats.getString("to"))));
        int total = 0;
        for (int i = 0; i < series.size(); i++) {
            JsonObject bucket = series.getJsonObject(i);
            Instant start = Instant.parse(bucket.getString("start"));
            assertEquals(from.plus(Duration.ofMinutes(5L * i)), start, "consecutive buckets");
            int expected = HOUR_BUCKETS.getOrDefault(start.toEpochMilli(), 0);
            assertEquals(expected, bucket.getInteger("attempts"), "bucket " + start);
            assertEquals(bucket.getInteger("attempts"), bucket.getInteger("successes") + bucket.getInteger("failures"));
            if (expected == 0) {
                assertNull(bucket.getValue("p95_ms"));
            }
            total += bucket.getInteger("attempts");
        }
        assertEquals(10, total);
    }

    @Test
    @DisplayName("24h and 7d windows take older attempts in, with hourly and 6-hourly buckets; older than 7d never")
    void longerWindows() {
        JsonObject day = get(tenant.api(), "/v1/subscriptions/" + fast + "/stats?window=24h");
        assertEquals(12, day.getInteger("attempts"));
        assertEquals(24, day.getJsonArray("series").size());
        assertEquals(3600, day.getInteger("bucket_seconds"));
        JsonObject week = get(tenant.api(), "/v1/subscriptions/" + fast + "/stats?window=7d");
        assertEquals(13, week.getInteger("attempts"));
        assertEquals(3, week.getInteger("failures"), "the 8-day-old failure is outside every window");
        assertEquals(28, week.getJsonArray("series").size());
        assertEquals(week.getInteger("attempts"), week.getJsonArray("series").stream()
                .mapToInt(b -> ((JsonObject) b).getInteger("attempts")).sum());
        assertEquals(day, get(tenant.api(), "/v1/subscriptions/" + fast + "/stats").put("window", "24h"),
                "the default window is 24h");
    }

    @Test
    @DisplayName("a subscription without attempts has zero counts and null rates and percentiles")
    void emptySubscription() {
        String idle = subscription(tenant, "https://idle.example.com/hooks");
        JsonObject stats = get(tenant.api(), "/v1/subscriptions/" + idle + "/stats?window=7d");
        assertEquals(0, stats.getInteger("attempts"));
        assertNull(stats.getValue("success_rate"));
        assertNull(stats.getJsonObject("latency_ms").getValue("p95"));
        assertTrue(stats.getJsonArray("series").stream().allMatch(b -> ((JsonObject) b).getInteger("attempts") == 0));
    }

    @Test
    @DisplayName("/v1/stats totals a tenant's attempts and backlog and ranks its slowest and most failing subscriptions")
    void tenantStats() {
        JsonObject stats = get(tenant.api(), "/v1/stats?window=24h");
        assertEquals(tenant.tenantId(), stats.getString("tenant_id"));
        assertEquals(14, stats.getInteger("attempts"), "12 of fast and 2 of slow; not the other tenant's");
        assertEquals(11, stats.getInteger("successes"));
        assertEquals(3, stats.getInteger("failures"));
        assertEquals(new JsonObject().put("pending", 2).put("parked", 1), stats.getJsonObject("backlog"));
        assertEquals(new JsonObject().put("active", stats.getJsonObject("subscriptions").getInteger("active")).put("disabled", 0),
                stats.getJsonObject("subscriptions"));
        assertTrue(stats.getJsonObject("subscriptions").getInteger("active") >= 2);

        JsonArray slowest = stats.getJsonArray("slowest_subscriptions");
        assertEquals(List.of(slow, fast), List.of(slowest.getJsonObject(0).getString("subscription_id"),
                slowest.getJsonObject(1).getString("subscription_id")));
        assertEquals(KnownAttempts.percentile(new double[] {1000, 3000}, 0.95), slowest.getJsonObject(0).getDouble("p95_ms"), 0.05);
        assertEquals("https://slow.example.com/hooks", slowest.getJsonObject(0).getString("url"));
        JsonArray failing = stats.getJsonArray("most_failing_subscriptions");
        assertEquals(1, failing.size(), "a subscription without failures is not listed");
        assertEquals(fast, failing.getJsonObject(0).getString("subscription_id"));
        assertEquals(3, failing.getJsonObject(0).getInteger("failures"));
        assertEquals(12, failing.getJsonObject(0).getInteger("attempts"));
        assertEquals(4, failing.getJsonObject(0).getInteger("failure_streak"));
    }

    @Test
    @DisplayName("the admin's /v1/stats spans every tenant, or one with tenant_id, which then matches the tenant's own")
    void adminStats() {
        JsonObject all = get(admin(), "/v1/stats?window=1h");
        assertNull(all.getValue("tenant_id"));
        JsonObject mine = get(tenant.api(), "/v1/stats?window=1h");
        assertTrue(all.getInteger("attempts") >= mine.getInteger("attempts") + 1, "the other tenant's attempt counts too");
        JsonObject narrowed = get(admin(), "/v1/stats?window=1h&tenant_id=" + tenant.tenantId());
        assertEquals(mine.getInteger("attempts"), narrowed.getInteger("attempts"));
        assertEquals(mine.getJsonObject("latency_ms"), narrowed.getJsonObject("latency_ms"));
        assertEquals(mine.getJsonArray("slowest_subscriptions"), narrowed.getJsonArray("slowest_subscriptions"));
        assertProblem(admin().get("/v1/stats?tenant_id=" + java.util.UUID.randomUUID()), 404);
        assertEquals(200, admin().get("/v1/subscriptions/" + fast + "/stats").status(), "the admin reads any subscription");
    }

    @Test
    @DisplayName("stats refuse unknown windows (400), and another tenant's subscription or tenant is 404")
    void hostile() {
        for (String window : List.of("2h", "1d", "", "24H", "7d;drop", "1h&window=7d")) {
            assertProblem(tenant.api().get("/v1/subscriptions/" + fast + "/stats?window=" + window.replace(";", "%3B")), 400);
            assertProblem(tenant.api().get("/v1/stats?window=" + window.replace(";", "%3B")), 400);
        }
        assertProblem(other.api().get("/v1/subscriptions/" + fast + "/stats"), 404);
        assertProblem(tenant.api().get("/v1/subscriptions/not-a-uuid/stats"), 404);
        assertProblem(tenant.api().get("/v1/stats?tenant_id=" + other.tenantId()), 404);
        assertProblem(tenant.api().get("/v1/stats?tenant_id=bad"), 400);
    }
}
