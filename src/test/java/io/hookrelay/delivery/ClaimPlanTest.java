package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.db.Database;
import io.hookrelay.db.Migrations;
import io.hookrelay.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The claim must stay cheap under a backlog even when PostgreSQL runs it with a generic plan that was made
 * while deliveries was nearly empty: that is what a long-lived engine connection does after a quiet start.
 * Such a plan once read every pending delivery on each claim (990 deliveries/s instead of 11,000 with one
 * subscription's 200k backlog). Counted here by the index entries PostgreSQL reports reading, not by time.
 */
class ClaimPlanTest {

    private static final int BACKLOG = 20_000;
    private static final UUID TENANT = UUID.fromString("00000000-0000-7000-8000-00000000c1a1");
    private static final UUID UNORDERED = UUID.fromString("00000000-0000-7000-8000-00000000c1a2");
    private static final UUID ORDERED = UUID.fromString("00000000-0000-7000-8000-00000000c1a3");

    static TestDatabase database;
    static Vertx vertx;
    static Pool pool;
    static DeliveryClaims claims;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.get("claim-plans");
        Migrations.migrate(database.url());
        // Statistics stay those of the empty table, as between two autovacuum runs after a sudden backlog.
        database.execute("ALTER TABLE deliveries SET (autovacuum_enabled = false)");
        database.execute("INSERT INTO tenants (id, name) VALUES ('" + TENANT + "', 'claims')");
        database.execute("""
                INSERT INTO subscriptions (id, tenant_id, url, secret_enc, max_in_flight, ordered) VALUES
                    ('%s', '%s', 'http://127.0.0.1:9/unordered', '\\x00', 256, false),
                    ('%s', '%s', 'http://127.0.0.1:9/ordered', '\\x00', NULL, true)
                """.formatted(UNORDERED, TENANT, ORDERED, TENANT));
        vertx = Vertx.vertx();
        // One connection, so every claim runs the same prepared statement; generic from the first run.
        pool = Database.enginePool(vertx, Database.connectOptions(database.url())
                .addProperty("plan_cache_mode", "force_generic_plan"), 1);
        LeaseHolderLock lock = new LeaseHolderLock(vertx, Database.connectOptions(database.url()));
        lock.start().await(10, TimeUnit.SECONDS);
        claims = new DeliveryClaims(pool, "claim-plan-test", lock, 8, Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a claim planned on an empty table reads a few index entries, not the whole backlog")
    void genericPlanStaysOnTheIndexes() throws Exception {
        assertEquals(0, claim(10, List.of()).size(), "nothing to claim yet: this run makes the generic plan");

        database.execute("""
                INSERT INTO events (tenant_id, type, data, dispatched_at)
                SELECT '%s', 'order.created', '{}', now() FROM generate_series(1, %d)
                """.formatted(TENANT, BACKLOG));
        database.execute("""
                INSERT INTO deliveries (tenant_id, event_id, event_seq, subscription_id, next_attempt_at)
                SELECT e.tenant_id, e.id, e.seq, s.id, now() - interval '1 minute'
                FROM events e CROSS JOIN (VALUES ('%s'::uuid), ('%s'::uuid)) AS s (id)
                """.formatted(UNORDERED, ORDERED));
        // The ordered subscription's queue is sent by another instance: its claim must not read that queue.
        database.execute("""
                INSERT INTO delivery_queue_leases (subscription_id, owner, leased_until)
                VALUES ('%s', 'elsewhere', now() + interval '5 minutes')
                """.formatted(ORDERED));

        Thread.sleep(1500); // the set-up's own connections have reported their reads by now
        long before = indexEntriesRead();
        List<ClaimedDelivery> claimed = claim(10, List.of());
        long read = awaitCounted(before) - before;
        System.out.printf("[claim plan] one claim of 10 read %d index entries over %d pending deliveries%n", read,
                2 * BACKLOG);

        assertEquals(10, claimed.size(), "a full claim from the unordered backlog");
        assertTrue(claimed.stream().allMatch(d -> d.subscriptionId().equals(UNORDERED)),
                "the ordered subscription's queue is leased elsewhere, so nothing of it is claimed");
        assertTrue(read < 1_000, "the claim read " + read + " entries of the deliveries indexes over a backlog of "
                + (2 * BACKLOG) + " pending deliveries");

        // Still pending in the table, but held by this instance: the next claim passes over them.
        List<UUID> held = claimed.stream().map(ClaimedDelivery::id).toList();
        List<ClaimedDelivery> next = claim(10, held);
        assertEquals(10, next.size(), "the next ten");
        assertTrue(next.stream().noneMatch(d -> held.contains(d.id())), "no held delivery is handed out again");
    }

    private static List<ClaimedDelivery> claim(int max, List<UUID> held) throws Exception {
        return claims.claim(max, Map.of(), List.of(), held, Map.of()).await(60, TimeUnit.SECONDS);
    }

    private static long indexEntriesRead() {
        return database.count("SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = 'deliveries'");
    }

    /** The engine connection reports its statistics about a second after going idle. */
    private static long awaitCounted(long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long now = indexEntriesRead();
        while (now == before && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = indexEntriesRead();
        }
        // Settles: a second report from the same claim would still be counted.
        Thread.sleep(1500);
        return indexEntriesRead();
    }
}
