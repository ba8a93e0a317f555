package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Claims due deliveries in one statement: lock a batch with SKIP LOCKED, at most the free slots of each
 * subscription and oldest due first within it, and lease them to this instance. If this instance dies, the lease
 * runs out and the deliveries are due again for any instance.
 */
final class DeliveryClaims {

    /*
     * Subscription by subscription, so that no subscription's backlog is scanned to reach another's: a
     * skip scan lists the subscriptions with pending deliveries (one index probe each), and each open one
     * gives at most its free slots from its own slice of deliveries_due_by_subscription (deliveries in
     * flight elsewhere are skipped there, at most a cap's worth). An ordered subscription gives only its
     * oldest pending event, and only once that one is due and not leased: one at a time, in event order.
     * The claim sets only columns no index covers, so PostgreSQL can update the rows in place.
     * Row locks test status after locking, by primary key: a status test inside the locking scan would let
     * a generic plan (cached while the table was small) walk a partial index of all pending deliveries.
     */
    private static final String CLAIM = """
            WITH RECURSIVE queues AS (
                (SELECT subscription_id FROM deliveries WHERE status = 'pending' ORDER BY subscription_id LIMIT 1)
                UNION ALL
                SELECT (SELECT d.subscription_id FROM deliveries d
                        WHERE d.status = 'pending' AND d.subscription_id > q.subscription_id
                        ORDER BY d.subscription_id LIMIT 1)
                FROM queues q WHERE q.subscription_id IS NOT NULL),
            slots AS (
                SELECT s.id, s.ordered, c.cap, least($2, c.cap - coalesce(b.in_flight, 0)) AS free
                FROM queues q
                JOIN subscriptions s ON s.id = q.subscription_id
                CROSS JOIN LATERAL (SELECT CASE WHEN s.ordered THEN 1 ELSE coalesce(s.max_in_flight, $4) END AS cap) c
                LEFT JOIN unnest($5::uuid[], $6::int[]) AS b (subscription_id, in_flight) ON b.subscription_id = s.id
                WHERE s.status = 'active' AND NOT (s.id = ANY ($3::uuid[]))),
            candidates AS (
                SELECT d.id, d.next_attempt_at, sl.cap
                FROM slots sl CROSS JOIN LATERAL (
                    SELECT id, next_attempt_at FROM deliveries
                    WHERE subscription_id = sl.id AND status = 'pending' AND next_attempt_at <= now()
                      AND (leased_until IS NULL OR leased_until <= now())
                    ORDER BY next_attempt_at LIMIT greatest(sl.free, 0)
                    FOR UPDATE SKIP LOCKED) d
                WHERE NOT sl.ordered AND sl.free > 0
                UNION ALL
                SELECT d.id, d.next_attempt_at, sl.cap
                FROM slots sl
                CROSS JOIN LATERAL (
                    SELECT id FROM deliveries
                    WHERE subscription_id = sl.id AND status = 'pending'
                    ORDER BY event_seq LIMIT 1) head
                CROSS JOIN LATERAL (
                    SELECT id, status, next_attempt_at, leased_until FROM deliveries
                    WHERE id = head.id
                    -- LIMIT keeps PostgreSQL from pushing the status test below into this scan.
                    LIMIT 1 FOR UPDATE SKIP LOCKED) d
                WHERE sl.ordered AND sl.free > 0 AND d.status = 'pending' AND d.next_attempt_at <= now()
                  AND (d.leased_until IS NULL OR d.leased_until <= now())),
            due AS (
                SELECT id FROM candidates ORDER BY next_attempt_at LIMIT $2)
            UPDATE deliveries d SET
                leased_until = now() + make_interval(secs => $7::float8),
                leased_by = $1,
                attempts = d.attempts + 1
            FROM events e, subscriptions s
            -- An id array, not a join with due: a cached generic plan merge-joined due with the whole
            -- primary key index, reading every delivery ever made on each claim. No status test either
            -- (the rows are locked and were pending when locked): with one, a generic plan made while
            -- deliveries was small read the whole pending index (every backlogged delivery) per claim.
            WHERE d.id = ANY (ARRAY(SELECT id FROM due)) AND e.id = d.event_id AND s.id = d.subscription_id
            RETURNING d.id, d.tenant_id, d.subscription_id, d.attempts, d.cycle_started_at,
                      CASE WHEN s.ordered THEN 1 ELSE coalesce(s.max_in_flight, $4) END AS cap,
                      e.id AS event_id, e.type, e.data::text AS data, e.created_at AS event_created_at,
                      s.url, s.headers, s.secret_enc, s.previous_secret_enc, s.previous_secret_expires_at,
                      s.ed25519_secret_enc
            """;

    private final Pool pool;
    private final String owner;
    private final int perSubscription;
    private final Duration lease;

    DeliveryClaims(Pool pool, String owner, int perSubscription, Duration lease) {
        this.pool = pool;
        this.owner = owner;
        this.perSubscription = perSubscription;
        this.lease = lease;
    }

    /**
     * {@code inFlight}: this instance's sends per subscription, so a claim never exceeds a subscription's
     * cap; {@code caps}: the caps seen in earlier claims, so full subscriptions are not even scanned.
     */
    Future<List<ClaimedDelivery>> claim(int max, Map<UUID, Integer> inFlight, Map<UUID, Integer> caps) {
        List<UUID> full = new ArrayList<>();
        List<UUID> busyIds = new ArrayList<>();
        List<Integer> busyCounts = new ArrayList<>();
        inFlight.forEach((subscription, count) -> {
            if (count >= caps.getOrDefault(subscription, perSubscription)) {
                full.add(subscription);
            } else {
                busyIds.add(subscription);
                busyCounts.add(count);
            }
        });
        Tuple args = Tuple.tuple()
                .addValue(owner)
                .addValue(max)
                .addValue(full.toArray(UUID[]::new))
                .addValue(perSubscription)
                .addValue(busyIds.toArray(UUID[]::new))
                .addValue(busyCounts.toArray(Integer[]::new))
                .addValue((double) lease.toMillis() / 1000.0);
        return pool.preparedQuery(CLAIM).execute(args).map(rows -> {
            List<ClaimedDelivery> claimed = new ArrayList<>(rows.size());
            rows.forEach(row -> claimed.add(map(row)));
            return claimed;
        });
    }

    private static ClaimedDelivery map(Row row) {
        Buffer previous = row.getBuffer("previous_secret_enc");
        Buffer ed25519 = row.getBuffer("ed25519_secret_enc");
        Object headers = row.getValue("headers");
        return new ClaimedDelivery(
                row.getUUID("id"),
                row.getUUID("tenant_id"),
                row.getUUID("subscription_id"),
                row.getInteger("attempts"),
                row.getInteger("cap"),
                row.getOffsetDateTime("cycle_started_at"),
                row.getUUID("event_id"),
                row.getString("type"),
                row.getString("data"),
                row.getOffsetDateTime("event_created_at"),
                row.getString("url"),
                headers instanceof JsonObject json ? json : new JsonObject(),
                row.getBuffer("secret_enc").getBytes(),
                previous == null ? null : previous.getBytes(),
                row.getOffsetDateTime("previous_secret_expires_at"),
                ed25519 == null ? null : ed25519.getBytes());
    }
}
