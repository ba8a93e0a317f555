package io.hookrelay.dashboard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.db.Database;
import io.hookrelay.db.Migrations;
import io.hookrelay.http.Principal;
import io.hookrelay.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.data.Interval;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's statements, exactly as the service builds them, planned by PostgreSQL over a realistic
 * volume (100k events, 200k deliveries, 300k attempts, analyzed): each must reach deliveries and
 * delivery_attempts through an index, never by reading the whole table.
 */
class QueryPlanTest {

    static final int EVENTS = 100_000;
    static TestDatabase database;
    static Vertx vertx;
    static Pool pool;
    static Scope tenant;
    static Scope everyone = new Scope(Principal.ADMIN, null);
    static UUID subscription;
    static UUID delivery;
    static UUID event;

    @BeforeAll
    static void fill() throws Exception {
        database = TestDatabase.get("dashboard-plans");
        Migrations.migrate(database.url());
        long started = System.nanoTime();
        DashboardVolume.fill(database::execute, EVENTS);
        System.out.printf("[plans] filled %d deliveries and %d attempts in %d ms%n",
                database.count("SELECT count(*) FROM deliveries"), database.count("SELECT count(*) FROM delivery_attempts"),
                (System.nanoTime() - started) / 1_000_000);
        vertx = Vertx.vertx();
        pool = Database.pool(vertx, database.url(), 2);
        Row sample = pool.query("""
                SELECT d.id, d.tenant_id, d.subscription_id, d.event_id FROM deliveries d
                WHERE d.status = 'failed' ORDER BY d.id DESC LIMIT 1
                """).execute().await(30, TimeUnit.SECONDS).iterator().next();
        UUID tenantId = sample.getUUID("tenant_id");
        tenant = new Scope(Principal.tenant(tenantId, null), tenantId);
        subscription = sample.getUUID("subscription_id");
        delivery = sample.getUUID("id");
        event = sample.getUUID("event_id");
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** The plan's nodes as "Node Type on relation (index)". */
    static List<String> plan(String sql, Tuple args) throws Exception {
        Row row = pool.preparedQuery("EXPLAIN (FORMAT JSON) " + sql).execute(args).await(60, TimeUnit.SECONDS).iterator().next();
        Object value = row.getValue(0);
        JsonArray json = value instanceof JsonArray array ? array : new JsonArray(String.valueOf(value));
        List<String> nodes = new ArrayList<>();
        collect(json.getJsonObject(0).getJsonObject("Plan"), nodes);
        return nodes;
    }

    static void collect(JsonObject node, List<String> nodes) {
        nodes.add(node.getString("Node Type") + " on " + node.getString("Relation Name") + " (" + node.getString("Index Name") + ")");
        JsonArray children = node.getJsonArray("Plans");
        if (children != null) {
            children.forEach(child -> collect((JsonObject) child, nodes));
        }
    }

    static void assertIndexed(String what, String sql, Tuple args, String... tables) throws Exception {
        List<String> nodes = plan(sql, args);
        System.out.println("[plans] " + what + ": " + nodes);
        for (String table : List.of("deliveries", "delivery_attempts")) {
            assertFalse(nodes.stream().anyMatch(n -> n.startsWith("Seq Scan on " + table + " ")),
                    what + " reads all of " + table + ": " + nodes);
        }
        for (String table : tables) {
            // A bitmap heap scan is always fed by bitmap index scans (which name no relation).
            assertTrue(nodes.stream().anyMatch(n -> (n.contains("Index") || n.startsWith("Bitmap Heap Scan"))
                            && n.contains(" on " + table + " ")),
                    what + " uses no index on " + table + ": " + nodes);
        }
    }

    static void assertIndexed(String what, DeliveryRepository.Statement statement) throws Exception {
        assertIndexed(what, statement.sql(), statement.args(), "deliveries");
    }

    static DeliveryFilter filter(UUID sub, UUID ev, String status, OffsetDateTime since, OffsetDateTime until) {
        return new DeliveryFilter(sub, ev, status, since, until);
    }

    @Test
    @DisplayName("the delivery list uses an index for every filter, and for the next page")
    void list() throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        assertIndexed("tenant", DeliveryRepository.pageStatement(tenant, filter(null, null, null, null, null), null, 51));
        assertIndexed("tenant next page", DeliveryRepository.pageStatement(tenant, filter(null, null, null, null, null), delivery, 51));
        assertIndexed("tenant failed", DeliveryRepository.pageStatement(tenant, filter(null, null, "failed", null, null), null, 51));
        assertIndexed("subscription", DeliveryRepository.pageStatement(tenant, filter(subscription, null, null, null, null), null, 51));
        assertIndexed("subscription parked", DeliveryRepository.pageStatement(tenant, filter(subscription, null, "parked", null, null), null, 51));
        assertIndexed("event", DeliveryRepository.pageStatement(tenant, filter(null, event, null, null, null), null, 51));
        assertIndexed("since/until", DeliveryRepository.pageStatement(tenant,
                filter(null, null, null, now.minusDays(20), now.minusDays(19)), null, 51));
        assertIndexed("admin all", DeliveryRepository.pageStatement(everyone, filter(null, null, null, null, null), null, 51));
        assertIndexed("admin pending", DeliveryRepository.pageStatement(everyone, filter(null, null, "pending", null, null), null, 51));
    }

    @Test
    @DisplayName("a delivery and its attempts are read by key")
    void detail() throws Exception {
        assertIndexed("delivery", DeliveryRepository.findStatement(tenant, delivery));
        assertIndexed("attempts", DeliveryRepository.ATTEMPTS, Tuple.of(delivery), "delivery_attempts");
        assertIndexed("stream outcomes", DeliveryOutcomeFeed.READ,
                Tuple.of((Object) new UUID[] {UUID.randomUUID(), UUID.randomUUID()}), "delivery_attempts");
    }

    @Test
    @DisplayName("subscription and tenant statistics read only the window's attempts through an index")
    void stats() throws Exception {
        for (StatsWindow window : StatsWindow.values()) {
            StatsWindow.Range range = window.rangeAt(Instant.now());
            Tuple inWindow = Tuple.of(subscription, range.from(), range.to());
            assertIndexed("subscription summary " + window.label(), SubscriptionStatsQuery.SUMMARY, inWindow, "delivery_attempts");
            assertIndexed("subscription series " + window.label(), SubscriptionStatsQuery.SERIES, Tuple.of(subscription,
                    range.from(), range.to(), Interval.of(0, 0, 0, 0, 0, (int) window.bucket().toSeconds()),
                    OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)), "delivery_attempts");
            Tuple tenantWindow = Tuple.of(range.from(), range.to(), tenant.tenantId());
            assertIndexed("tenant totals " + window.label(),
                    TenantStatsQuery.TOTALS.formatted(TenantStatsQuery.windowTenant(tenant)), tenantWindow, "delivery_attempts");
            assertIndexed("tenant ranking " + window.label(),
                    TenantStatsQuery.RANKED.formatted(TenantStatsQuery.windowTenant(tenant)), tenantWindow, "delivery_attempts");
        }
        StatsWindow.Range day = StatsWindow.DAY.rangeAt(Instant.now());
        Tuple allWindow = Tuple.of(day.from(), day.to(), null);
        assertIndexed("admin totals 24h", TenantStatsQuery.TOTALS.formatted(TenantStatsQuery.windowTenant(everyone)), allWindow,
                "delivery_attempts");
        assertIndexed("subscription backlog", SubscriptionStatsQuery.BACKLOG, Tuple.of(subscription), "deliveries");
        assertIndexed("tenant backlog", TenantStatsQuery.BACKLOG.formatted(TenantStatsQuery.tenant(tenant)),
                Tuple.of(tenant.tenantId()), "deliveries");
        assertIndexed("admin backlog", TenantStatsQuery.BACKLOG.formatted(TenantStatsQuery.tenant(everyone)),
                Tuple.of((Object) null), "deliveries");
    }

    @Test
    @DisplayName("the retention job finds old attempts through the time index")
    void retention() throws Exception {
        OffsetDateTime cutoff = Instant.now().minus(30, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC);
        assertIndexed("retention batch", AttemptRetention.DELETE_BATCH, Tuple.of(cutoff, AttemptRetention.BATCH), "delivery_attempts");
    }
}
