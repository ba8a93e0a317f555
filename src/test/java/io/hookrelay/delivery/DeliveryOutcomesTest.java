package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.db.Database;
import io.hookrelay.db.Migrations;
import io.hookrelay.support.TestDatabase;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Attempts are recorded without a foreign key (V10), so these pin down what the key used to guarantee: every
 * attempt of a delivery that still exists is kept, also one whose queue another sender has taken over; none
 * is kept for a delivery deleted meanwhile; deleting deliveries, directly or with their subscription, takes
 * their attempts.
 */
class DeliveryOutcomesTest {

    private static final String US = "sender-us";
    private static final int BACKLOG = 20_000;
    static TestDatabase database;
    static Vertx vertx;
    static Pool pool;

    @BeforeAll
    static void start() {
        database = TestDatabase.get("outcomes");
        Migrations.migrate(database.url());
        vertx = Vertx.vertx();
        pool = Database.pool(vertx, database.url(), 2);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("attempts are kept for held and lost-lease deliveries, not for deleted ones, and go with their delivery")
    void attemptsFollowTheirDeliveries() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID held = UUID.randomUUID();
        UUID taken = UUID.randomUUID();
        database.execute("INSERT INTO tenants (id, name) VALUES ('" + tenant + "', 'outcomes')");
        for (UUID subscription : List.of(held, taken)) {
            database.execute("INSERT INTO subscriptions (id, tenant_id, url, secret_enc) VALUES ('" + subscription
                    + "', '" + tenant + "', 'http://127.0.0.1:9/hook', '\\x00')");
        }
        // This sender holds the first queue; the second one's lease ran out and another sender took it.
        lease(held, US);
        lease(taken, "sender-elsewhere");
        UUID ours = delivery(tenant, held);
        UUID lost = delivery(tenant, taken);
        UUID deleted = delivery(tenant, held);
        database.execute("DELETE FROM deliveries WHERE id = '" + deleted + "'");

        record(List.of(outcome(ours, tenant, held), outcome(lost, tenant, taken), outcome(deleted, tenant, held)));

        assertEquals(1, attempts(ours), "the attempt of a delivery this sender holds");
        assertEquals(1, count(ours, "status = 'succeeded' AND attempts = 1 AND cycle_attempts = 1"),
                "settled by this sender, attempt counted in the total and in the cycle");
        assertEquals(1, attempts(lost), "the attempt was made, so it is kept although another sender has the queue");
        assertEquals(1, count(lost, "status = 'pending' AND attempts = 0 AND cycle_attempts = 0"),
                "a lost lease does not settle the other sender's delivery");
        assertEquals(0, attempts(deleted), "no attempt outlives its delivery");

        database.execute("DELETE FROM deliveries WHERE id = '" + ours + "'");
        assertEquals(0, attempts(ours), "deleting a delivery deletes its attempts");
        database.execute("DELETE FROM subscriptions WHERE id = '" + taken + "'");
        assertEquals(0, database.count("SELECT count(*) FROM delivery_attempts WHERE subscription_id = '"
                + taken + "'"), "deleting the subscription takes its deliveries and their attempts");
        assertEquals(0, database.count("SELECT count(*) FROM delivery_queue_leases WHERE subscription_id = '"
                + taken + "'"), "and its queue's lease");
    }

    @Test
    @DisplayName("a failed attempt that disables nothing reads a few index entries, not another queue's backlog")
    void failureOverABacklogStaysOnTheIndexes() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID failing = UUID.randomUUID();
        UUID backlogged = UUID.randomUUID();
        database.execute("INSERT INTO tenants (id, name) VALUES ('" + tenant + "', 'outcome plans')");
        for (UUID subscription : List.of(failing, backlogged)) {
            database.execute("INSERT INTO subscriptions (id, tenant_id, url, secret_enc) VALUES ('" + subscription
                    + "', '" + tenant + "', 'http://127.0.0.1:9/hook', '\\x00')");
            lease(subscription, US);
        }
        // The engine's own kind of connection, with a plan made on the first run, while the table is small.
        Pool engine = Database.enginePool(vertx, Database.connectOptions(database.url())
                .addProperty("plan_cache_mode", "force_generic_plan"), 1);
        try {
            record(engine, List.of(failed(delivery(tenant, failing), tenant, failing)));
            database.execute("""
                    INSERT INTO events (tenant_id, type, data)
                    SELECT '%s', 'order.created', '{}' FROM generate_series(1, %d)
                    """.formatted(tenant, BACKLOG));
            database.execute("""
                    INSERT INTO deliveries (tenant_id, event_id, event_seq, subscription_id)
                    SELECT tenant_id, id, seq, '%s' FROM events WHERE tenant_id = '%s'
                    """.formatted(backlogged, tenant));
            UUID next = delivery(tenant, failing);
            Thread.sleep(1500); // the set-up's own connections have reported their reads by now
            long before = deliveryIndexEntriesRead();
            record(engine, List.of(failed(next, tenant, failing)));
            long read = settledCount(before) - before;
            System.out.printf("[outcome plan] one failed outcome read %d index entries over %d pending deliveries%n",
                    read, BACKLOG);
            assertEquals(1, count(next, "status = 'pending' AND attempts = 1 AND cycle_attempts = 1"),
                    "the failure was recorded");
            assertTrue(read < 1_000, "the outcome read " + read + " entries of the deliveries indexes over a backlog of "
                    + BACKLOG + " pending deliveries");
        } finally {
            engine.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void lease(UUID subscription, String owner) {
        database.execute("INSERT INTO delivery_queue_leases (subscription_id, owner, leased_until) VALUES ('"
                + subscription + "', '" + owner + "', now() + interval '5 minutes')");
    }

    private static UUID delivery(UUID tenant, UUID subscription) {
        UUID event = UUID.randomUUID();
        UUID delivery = UUID.randomUUID();
        database.execute("INSERT INTO events (id, tenant_id, type, data) VALUES ('" + event + "', '" + tenant
                + "', 'order.created', '{}')");
        database.execute("""
                INSERT INTO deliveries (id, tenant_id, event_id, event_seq, subscription_id)
                SELECT '%s', tenant_id, id, seq, '%s' FROM events WHERE id = '%s'
                """.formatted(delivery, subscription, event));
        return delivery;
    }

    private static Outcome outcome(UUID delivery, UUID tenant, UUID subscription) {
        return new Outcome(claimed(delivery, tenant, subscription), new SendResult(200, null, "ok", 3, null),
                Outcome.SUCCEEDED, null, Instant.now(), Map.of("content-type", "application/json"));
    }

    private static Outcome failed(UUID delivery, UUID tenant, UUID subscription) {
        return new Outcome(claimed(delivery, tenant, subscription), new SendResult(500, null, "down", 3, null),
                Outcome.PENDING, Instant.now().plusSeconds(60), Instant.now(), Map.of("content-type", "application/json"));
    }

    private static ClaimedDelivery claimed(UUID delivery, UUID tenant, UUID subscription) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return new ClaimedDelivery(delivery, tenant, subscription, 1, false, 8, now, now, UUID.randomUUID(),
                "order.created", "{}", now, "http://127.0.0.1:9/hook", new JsonObject(), new byte[] {0}, null, null,
                null);
    }

    /** Hands the outcomes over on a Vert.x context, as the sender does, and waits until they are written. */
    private static void record(List<Outcome> outcomes) throws Exception {
        record(pool, outcomes);
    }

    private static void record(Pool pool, List<Outcome> outcomes) throws Exception {
        DeliveryOutcomes writer = new DeliveryOutcomes(vertx, pool, US, 10, Duration.ofDays(5), Duration.ofMinutes(5));
        Promise<Void> written = Promise.promise();
        vertx.runOnContext(v -> {
            writer.onIdle(written::tryComplete);
            outcomes.forEach(writer::add);
        });
        written.future().await(30, TimeUnit.SECONDS);
    }

    private static long deliveryIndexEntriesRead() {
        return database.count("SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = 'deliveries'");
    }

    /** A connection reports its statistics about a second after going idle. */
    private static long settledCount(long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (deliveryIndexEntriesRead() == before && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1500);
        return deliveryIndexEntriesRead();
    }

    private static long attempts(UUID delivery) {
        return database.count("SELECT count(*) FROM delivery_attempts WHERE delivery_id = '" + delivery + "'");
    }

    private static long count(UUID delivery, String condition) {
        return database.count("SELECT count(*) FROM deliveries WHERE id = '" + delivery + "' AND " + condition);
    }
}
