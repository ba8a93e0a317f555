package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.db.Database;
import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.db.Migrations;
import io.hookrelay.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One instance at a time sends a subscription's queue: the holder of its lease. These pin down how a claim
 * takes, respects, renews and gives up those leases, and that it reads a queue on from where it left off.
 */
class QueueLeaseTest {

    private static final UUID TENANT = UUID.fromString("00000000-0000-7000-8000-0000000071a1");
    private static final UUID SUBSCRIPTION = UUID.fromString("00000000-0000-7000-8000-0000000071a2");
    private static final int PENDING = 30;

    static TestDatabase database;
    static Vertx vertx;
    static Pool pool;
    static DeliveryClaims us;
    static DeliveryClaims them;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.get("queue-leases");
        Migrations.migrate(database.url());
        database.execute("INSERT INTO tenants (id, name) VALUES ('" + TENANT + "', 'leases')");
        database.execute("INSERT INTO subscriptions (id, tenant_id, url, secret_enc, max_in_flight) VALUES ('"
                + SUBSCRIPTION + "', '" + TENANT + "', 'http://127.0.0.1:9/hook', '\\x00', 100)");
        vertx = Vertx.vertx();
        pool = Database.enginePool(vertx, Database.connectOptions(database.url()), 2);
        us = claimsOf("instance-us");
        them = claimsOf("instance-them");
    }

    /** Claims of an instance that keeps its lease holder lock, as a running one does. */
    private static DeliveryClaims claimsOf(String owner) throws Exception {
        return claimsOf(owner, holderLock());
    }

    private static DeliveryClaims claimsOf(String owner, LeaseHolderLock lock) {
        return new DeliveryClaims(pool, owner, lock, 8, Duration.ofMinutes(1));
    }

    private static LeaseHolderLock holderLock() throws Exception {
        LeaseHolderLock lock = new LeaseHolderLock(vertx, Database.connectOptions(database.url()));
        lock.start().await(10, TimeUnit.SECONDS);
        assertTrue(lock.held());
        return lock;
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void freshQueue() {
        database.execute("DELETE FROM delivery_queue_leases");
        database.execute("DELETE FROM deliveries");
        database.execute("DELETE FROM events");
        database.execute("""
                INSERT INTO events (tenant_id, type, data, dispatched_at)
                SELECT '%s', 'order.created', '{}', now() FROM generate_series(1, %d)
                """.formatted(TENANT, PENDING));
        // All due at the same moment, as after a recover: the queue's order is then the ids'.
        database.execute("""
                INSERT INTO deliveries (tenant_id, event_id, event_seq, subscription_id, next_attempt_at)
                SELECT tenant_id, id, seq, '%s', now() - interval '1 minute' FROM events
                """.formatted(SUBSCRIPTION));
    }

    @Test
    @DisplayName("the first claim takes the queue; another instance gets nothing of it while the lease holds")
    void oneSenderPerQueue() throws Exception {
        assertEquals(10, claim(us, 10, Map.of()).size());
        assertEquals(1, ownedBy("instance-us"));
        assertEquals(0, claim(them, 10, Map.of()).size(), "the queue is ours");
        assertEquals(10, claim(us, 10, Map.of()).size(), "we go on claiming from it");
    }

    @Test
    @DisplayName("a queue whose lease ran out is taken over, and everything pending in it is sent again")
    void expiredLeaseIsTakenOver() throws Exception {
        assertEquals(10, claim(us, 10, Map.of()).size());
        database.execute("UPDATE delivery_queue_leases SET leased_until = now() - interval '1 second'");
        List<ClaimedDelivery> taken = claim(them, 100, Map.of());
        assertEquals(PENDING, taken.size(), "the dead instance's deliveries are still pending, so they go again");
        assertEquals(1, ownedBy("instance-them"));
    }

    @Test
    @DisplayName("a holder whose session has ended loses its queues at once, long before its lease runs out")
    void goneHolderLosesItsQueuesAtOnce() throws Exception {
        LeaseHolderLock lock = holderLock();
        DeliveryClaims gone = claimsOf("instance-gone", lock);
        assertEquals(10, claim(gone, 10, Map.of()).size());
        assertEquals(0, them.endLeasesOfGoneHolders().await(10, TimeUnit.SECONDS), "alive: its lease is respected");
        assertEquals(0, claim(them, 10, Map.of()).size(), "alive: the queue stays its own");

        lock.stop().await(10, TimeUnit.SECONDS); // as when the process is killed: PostgreSQL drops the session's lock
        assertTrue(leaseSecondsLeft() > 50, "the lease itself has most of its minute left");
        assertEquals(1, them.endLeasesOfGoneHolders().await(10, TimeUnit.SECONDS), "the gone holder's lease ends");
        assertEquals(PENDING, claim(them, 100, Map.of()).size(), "and its queue is sent by another instance at once");
        assertEquals(1, ownedBy("instance-them"));
    }

    @Test
    @DisplayName("a holder that keeps no lock (an older version) keeps its queue until the lease runs out")
    void holderWithoutLockKeepsItsLease() throws Exception {
        assertEquals(10, claim(us, 10, Map.of()).size());
        database.execute("UPDATE delivery_queue_leases SET owner_lock_key = NULL");
        assertEquals(0, them.endLeasesOfGoneHolders().await(10, TimeUnit.SECONDS));
        assertEquals(0, claim(them, 10, Map.of()).size(), "the queue is still ours");
    }

    @Test
    @DisplayName("an instance whose lock is not held claims nothing, since others may be taking its queues")
    void noClaimsWithoutTheLock() throws Exception {
        LeaseHolderLock lock = holderLock();
        DeliveryClaims lost = claimsOf("instance-lost", lock);
        lock.stop().await(10, TimeUnit.SECONDS);
        Future<List<ClaimedDelivery>> claimed = lost.claim(10, Map.of(), List.of(), List.of(), Map.of());
        assertTrue(claimed.failed(), "the claim is refused without asking the database");
        assertEquals(0, database.count("SELECT count(*) FROM delivery_queue_leases"), "it took no lease either");
    }

    @Test
    @DisplayName("a lease another instance is taking at that moment is skipped, not waited for")
    void leaseBeingTakenIsSkipped() throws Exception {
        assertEquals(10, claim(us, 10, Map.of()).size());
        database.execute("UPDATE delivery_queue_leases SET leased_until = now() - interval '1 second'");
        DatabaseUrl url = database.url();
        try (Connection taker = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
            taker.setAutoCommit(false);
            try (Statement statement = taker.createStatement()) {
                statement.execute("SELECT * FROM delivery_queue_leases FOR UPDATE");
                long started = System.nanoTime();
                assertEquals(0, claim(them, 10, Map.of()).size(), "the queue is being taken by someone else");
                assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5,
                        "the claim went past the locked lease instead of waiting for it");
            }
            taker.rollback();
        }
        assertEquals(PENDING, claim(them, 100, Map.of()).size(), "once free, the next claim takes the queue");
        assertEquals(1, ownedBy("instance-them"));
    }

    @Test
    @DisplayName("renewing our half-spent lease waits for our outcome writer's share lock instead of skipping the queue")
    void halfSpentLeaseWaitsForOutcomes() throws Exception {
        assertEquals(10, claim(us, 10, Map.of()).size());
        database.execute("UPDATE delivery_queue_leases SET leased_until = now() + interval '10 seconds'");
        DatabaseUrl url = database.url();
        Future<List<ClaimedDelivery>> claimed;
        try (Connection outcomes = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
            outcomes.setAutoCommit(false);
            try (Statement statement = outcomes.createStatement()) {
                // What DeliveryOutcomes holds while it writes a batch of this queue.
                statement.execute("SELECT * FROM delivery_queue_leases FOR SHARE");
                claimed = us.claim(10, Map.of(), List.of(), List.of(), Map.of());
                Thread.sleep(300);
                assertTrue(!claimed.isComplete(), "the claim waits for the outcome writer's commit");
            }
            outcomes.commit();
        }
        assertEquals(10, claimed.await(30, TimeUnit.SECONDS).size(), "the queue is still ours and is sent from");
        assertTrue(leaseSecondsLeft() > 50, "renewed to a whole lease");
    }

    @Test
    @DisplayName("two instances claiming a queue that has no lease yet: exactly one of them gets it")
    void newQueueGoesToOne() throws Exception {
        for (int round = 0; round < 20; round++) {
            database.execute("DELETE FROM delivery_queue_leases");
            Future<List<ClaimedDelivery>> ours = us.claim(10, Map.of(), List.of(), List.of(), Map.of());
            Future<List<ClaimedDelivery>> theirs = them.claim(10, Map.of(), List.of(), List.of(), Map.of());
            int got = ours.await(30, TimeUnit.SECONDS).size();
            int gotThem = theirs.await(30, TimeUnit.SECONDS).size();
            assertEquals(10, got + gotThem, "round " + round + ": one claim gets the queue's ten, the other none");
            assertTrue(got == 0 || gotThem == 0, "round " + round + ": both instances sent from one queue");
            String owner = got > 0 ? "instance-us" : "instance-them";
            assertEquals(1, ownedBy(owner), "round " + round + ": the lease names the one that claimed");
        }
    }

    @Test
    @DisplayName("renew extends a half-spent lease of ours and leaves others' alone; release hands the queue over")
    void renewAndRelease() throws Exception {
        claim(us, 1, Map.of());
        database.execute("UPDATE delivery_queue_leases SET leased_until = now() + interval '10 seconds'");
        them.renew(List.of(SUBSCRIPTION)).await(10, TimeUnit.SECONDS);
        assertTrue(leaseSecondsLeft() < 11, "another instance cannot renew our lease");
        us.renew(List.of(SUBSCRIPTION)).await(10, TimeUnit.SECONDS);
        assertTrue(leaseSecondsLeft() > 50, "renewed to a whole lease");

        us.release().await(10, TimeUnit.SECONDS);
        assertEquals(0, database.count("SELECT count(*) FROM delivery_queue_leases"));
        assertEquals(1, claim(them, 1, Map.of()).size(), "released, so another instance takes it at once");
    }

    @Test
    @DisplayName("a claim reads on after the given place in the queue, in (next_attempt_at, id) order")
    void readsOnFromItsPosition() throws Exception {
        List<ClaimedDelivery> first = claim(us, 10, Map.of());
        QueuePosition last = first.stream().map(ClaimedDelivery::position).max(Comparator.naturalOrder()).orElseThrow();
        List<ClaimedDelivery> next = claims(us, 10, List.of(), Map.of(SUBSCRIPTION, last));
        assertEquals(10, next.size());
        assertTrue(next.stream().allMatch(d -> d.position().compareTo(last) > 0), "all after the position");
        assertTrue(first.stream().allMatch(d -> next.stream().noneMatch(n -> n.id().equals(d.id()))));
        // Without the position, and holding none, the claim reads the queue from its start again.
        List<ClaimedDelivery> again = claim(us, 10, Map.of());
        assertEquals(first.stream().map(ClaimedDelivery::id).sorted().toList(),
                again.stream().map(ClaimedDelivery::id).sorted().toList());
    }

    private static List<ClaimedDelivery> claim(DeliveryClaims claims, int max, Map<UUID, QueuePosition> from)
            throws Exception {
        return claims(claims, max, List.of(), from);
    }

    private static List<ClaimedDelivery> claims(DeliveryClaims claims, int max, List<UUID> held,
                                                Map<UUID, QueuePosition> from) throws Exception {
        return claims.claim(max, Map.of(), List.of(), held, from).await(30, TimeUnit.SECONDS);
    }

    private static long ownedBy(String owner) {
        return database.count("SELECT count(*) FROM delivery_queue_leases WHERE subscription_id = '" + SUBSCRIPTION
                + "' AND owner = '" + owner + "'");
    }

    private static long leaseSecondsLeft() {
        return database.count("SELECT extract(epoch FROM leased_until - now())::bigint FROM delivery_queue_leases");
    }
}
