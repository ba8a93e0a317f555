package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Claims due deliveries in one statement. A subscription's queue is sent by one instance at a time, the
 * holder of its lease in {@code delivery_queue_leases}: the claim takes or renews the leases of the queues it
 * serves and reads up to each one's free slots of due deliveries, leaving out those this instance already
 * holds (in flight, or sent with the outcome not yet committed). If this instance dies its leases run out
 * and another instance sends whatever is still pending.
 */
final class DeliveryClaims {

    /*
     * Subscription by subscription, so that no subscription's backlog is scanned to reach another's: a
     * skip scan lists the subscriptions with pending deliveries (one index probe each), and each open one
     * gives at most its free slots from its own slice of deliveries_due_by_subscription. An ordered
     * subscription gives only its oldest pending event, once due (the sender offers it no slot while it
     * holds anything of it): one at a time, in event order.
     * A queue's lease is written only when it is taken or half spent, so a steady claim writes nothing.
     * Taking over another instance's run-out lease locks it FOR UPDATE SKIP LOCKED: an instance that meets
     * a lease another is taking at that moment leaves that queue for its next claim instead of waiting.
     * Renewing our own lease waits instead: the outcome writer holds our leases FOR SHARE while it writes,
     * nearly all the time under load, and skipping them would leave a half-spent queue unsent until the
     * poll timer renewed it. Our leases are locked in id order here, in RENEW and in the outcome writer:
     * locked in whatever order the rows came, a claim and an outcome batch deadlocked. A queue with no
     * lease yet gets one by insert; of two instances inserting it at once the second gets nothing (fresh
     * is NULL only when the snapshot saw no lease).
     * Rows are read by primary key from an id array with no status test: a status test there would let a
     * generic plan (cached while the table was small) walk a partial index of all pending deliveries, and
     * a join would let it merge-join the whole primary key.
     */
    private static final String CLAIM = """
            WITH RECURSIVE queues AS (
                -- ordered by the whole key of the partial index of pending deliveries, which only it can give:
                -- by subscription_id alone the planner may walk (subscription_id, id), every settled delivery too
                (SELECT subscription_id FROM deliveries WHERE status = 'pending' ORDER BY subscription_id, event_seq LIMIT 1)
                UNION ALL
                SELECT (SELECT d.subscription_id FROM deliveries d
                        WHERE d.status = 'pending' AND d.subscription_id > q.subscription_id
                        ORDER BY d.subscription_id, d.event_seq LIMIT 1)
                FROM queues q WHERE q.subscription_id IS NOT NULL),
            open AS (
                SELECT s.id, s.ordered, least($2, c.room - coalesce(b.busy, 0)) AS free,
                       l.owner = $1 AND l.leased_until > now() + make_interval(secs => $7::float8 / 2) AS fresh
                FROM queues q
                JOIN subscriptions s ON s.id = q.subscription_id
                CROSS JOIN LATERAL (SELECT CASE WHEN s.ordered THEN 1
                                                  ELSE coalesce(s.max_in_flight, $4) + greatest(coalesce(s.max_in_flight, $4), $13) END AS room) c
                LEFT JOIN unnest($5::uuid[], $6::int[]) AS b (subscription_id, busy) ON b.subscription_id = s.id
                LEFT JOIN delivery_queue_leases l ON l.subscription_id = s.id
                WHERE s.status = 'active' AND NOT (s.id = ANY ($3::uuid[]))
                  AND (l.owner IS NULL OR l.owner = $1 OR l.leased_until <= now())),
            renewed AS (
                UPDATE delivery_queue_leases SET leased_until = now() + make_interval(secs => $7::float8)
                WHERE subscription_id IN (
                    SELECT l.subscription_id FROM delivery_queue_leases l
                    WHERE l.subscription_id IN (SELECT id FROM open WHERE free > 0 AND NOT fresh)
                      AND l.owner = $1
                    ORDER BY l.subscription_id
                    FOR UPDATE)
                RETURNING subscription_id),
            taken AS (
                UPDATE delivery_queue_leases SET owner = $1, owner_lock_key = $12,
                                                 leased_until = now() + make_interval(secs => $7::float8)
                WHERE subscription_id IN (
                    SELECT l.subscription_id FROM delivery_queue_leases l
                    WHERE l.subscription_id IN (SELECT id FROM open WHERE free > 0 AND NOT fresh)
                      AND l.owner <> $1 AND l.leased_until <= now()
                    FOR UPDATE SKIP LOCKED)
                RETURNING subscription_id),
            added AS (
                INSERT INTO delivery_queue_leases (subscription_id, owner, owner_lock_key, leased_until)
                SELECT id, $1, $12, now() + make_interval(secs => $7::float8) FROM open
                WHERE free > 0 AND fresh IS NULL
                ON CONFLICT (subscription_id) DO NOTHING
                RETURNING subscription_id),
            mine AS (
                SELECT id, ordered, free FROM open
                WHERE free > 0 AND (fresh OR id IN (SELECT subscription_id FROM renewed UNION ALL SELECT subscription_id FROM taken
                                                UNION ALL SELECT subscription_id FROM added))),
            candidates AS (
                SELECT d.id, d.next_attempt_at
                FROM mine m
                LEFT JOIN unnest($9::uuid[], $10::timestamptz[], $11::uuid[]) AS c (subscription_id, at, id)
                    ON c.subscription_id = m.id
                CROSS JOIN LATERAL (
                    SELECT id, next_attempt_at FROM deliveries
                    WHERE subscription_id = m.id AND status = 'pending' AND next_attempt_at <= now()
                      AND (next_attempt_at, id) > (coalesce(c.at, '-infinity'), coalesce(c.id, '00000000-0000-0000-0000-000000000000'))
                      -- hashed: the held ids are tested once per row read, and may be a thousand
                      AND id NOT IN (SELECT unnest($8::uuid[]))
                    ORDER BY next_attempt_at, id LIMIT m.free) d
                WHERE NOT m.ordered
                UNION ALL
                SELECT head.id, head.next_attempt_at
                FROM mine m CROSS JOIN LATERAL (
                    SELECT id, next_attempt_at FROM deliveries
                    WHERE subscription_id = m.id AND status = 'pending'
                    ORDER BY event_seq LIMIT 1) head
                WHERE m.ordered AND head.next_attempt_at <= now()),
            due AS (
                -- id too: a queue's cut-off rows must come after the ones kept, where its next read starts
                SELECT id FROM candidates ORDER BY next_attempt_at, id LIMIT $2)
            SELECT d.id, d.tenant_id, d.subscription_id, d.cycle_attempts + 1 AS attempt, d.cycle_started_at, d.next_attempt_at,
                   s.ordered, CASE WHEN s.ordered THEN 1 ELSE coalesce(s.max_in_flight, $4) END AS cap,
                   e.id AS event_id, e.type, e.data::text AS data, e.created_at AS event_created_at,
                   s.url, s.headers, s.secret_enc, s.previous_secret_enc, s.previous_secret_expires_at,
                   s.ed25519_secret_enc
            FROM deliveries d
            JOIN events e ON e.id = d.event_id
            JOIN subscriptions s ON s.id = d.subscription_id
            WHERE d.id = ANY (ARRAY(SELECT id FROM due))
            """;

    // Queues at their cap are not claimed from, so their leases are kept by the sender's timer instead.
    private static final String RENEW = """
            UPDATE delivery_queue_leases SET leased_until = now() + make_interval(secs => $3::float8)
            WHERE subscription_id IN (
                SELECT subscription_id FROM delivery_queue_leases
                WHERE subscription_id = ANY ($2::uuid[]) AND owner = $1
                  AND leased_until < now() + make_interval(secs => $3::float8 / 2)
                ORDER BY subscription_id
                FOR UPDATE)
            """;
    private static final String RELEASE = "DELETE FROM delivery_queue_leases WHERE owner = $1";
    /*
     * Ends at once the leases of holders that are gone: a holder's lock that this transaction can take is held by
     * no session. Taken for the transaction only, so a holder is never kept from its own lock for longer. Run
     * before the first claim (a restarted instance finds its predecessor's queues free) and on every poll tick.
     */
    private static final String END_LEASES_OF_GONE_HOLDERS = """
            UPDATE delivery_queue_leases SET leased_until = now()
            WHERE owner_lock_key IN (
                SELECT holder.key FROM (
                    SELECT DISTINCT owner_lock_key AS key FROM delivery_queue_leases
                    WHERE owner <> $1 AND owner_lock_key IS NOT NULL AND leased_until > now()) holder
                WHERE pg_try_advisory_xact_lock($2, holder.key))
              AND owner <> $1 AND leased_until > now()
            RETURNING subscription_id
            """;

    private final Pool pool;
    private final String owner;
    private final LeaseHolderLock holderLock;
    private final int perSubscription;
    private final Duration lease;

    DeliveryClaims(Pool pool, String owner, LeaseHolderLock holderLock, int perSubscription, Duration lease) {
        this.pool = pool;
        this.owner = owner;
        this.holderLock = holderLock;
        this.perSubscription = perSubscription;
        this.lease = lease;
    }

    /**
     * A subscription gives at most {@link SenderQueue#claimable} of its deliveries to this instance at once, less
     * {@code busy}, what this instance already has of it in flight or claimed (for an ordered one, everything it
     * holds of it); {@code full}: subscriptions that can give nothing now, not even scanned; {@code held}: every
     * delivery this instance holds, none of which may be handed out again; {@code from}: per subscription, where
     * to go on reading its queue (after the last delivery claimed from it), so the held ones need not be read
     * again.
     */
    Future<List<ClaimedDelivery>> claim(int max, Map<UUID, Integer> busy, Collection<UUID> full, Collection<UUID> held,
                                        Map<UUID, QueuePosition> from) {
        if (!holderLock.held()) {
            return Future.failedFuture("the lease holder lock is not held");
        }
        List<UUID> busyIds = new ArrayList<>(busy.keySet());
        List<Integer> busyCounts = busyIds.stream().map(busy::get).toList();
        Tuple args = Tuple.tuple()
                .addValue(owner)
                .addValue(max)
                .addValue(full.toArray(UUID[]::new))
                .addValue(perSubscription)
                .addValue(busyIds.toArray(UUID[]::new))
                .addValue(busyCounts.toArray(Integer[]::new))
                .addValue(leaseSeconds())
                .addValue(held.toArray(UUID[]::new))
                .addValue(from.keySet().toArray(UUID[]::new))
                .addValue(from.values().stream().map(QueuePosition::nextAttemptAt).toArray(OffsetDateTime[]::new))
                .addValue(from.values().stream().map(QueuePosition::id).toArray(UUID[]::new))
                .addValue(holderLock.key())
                .addValue(SenderQueue.READ_AHEAD_AT_LEAST);
        return pool.preparedQuery(CLAIM).execute(args).map(rows -> {
            List<ClaimedDelivery> claimed = new ArrayList<>(rows.size());
            rows.forEach(row -> claimed.add(map(row)));
            return claimed;
        });
    }

    /** Extends the leases of these queues, where this instance still holds them and half the lease is spent. */
    Future<Void> renew(Collection<UUID> subscriptions) {
        if (subscriptions.isEmpty()) {
            return Future.succeededFuture();
        }
        return pool.preparedQuery(RENEW)
                .execute(Tuple.of(owner, subscriptions.toArray(UUID[]::new), leaseSeconds())).mapEmpty();
    }

    /** Frees the queues of holders whose lock is free; answers how many. */
    Future<Integer> endLeasesOfGoneHolders() {
        return pool.preparedQuery(END_LEASES_OF_GONE_HOLDERS).execute(Tuple.of(owner, LeaseHolderLock.NAMESPACE))
                .map(rows -> rows.rowCount());
    }

    /** Gives up every queue this instance holds, so others need not wait for the leases to run out. */
    Future<Void> release() {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(owner)).mapEmpty();
    }

    private double leaseSeconds() {
        return (double) lease.toMillis() / 1000.0;
    }

    private static ClaimedDelivery map(Row row) {
        Buffer previous = row.getBuffer("previous_secret_enc");
        Buffer ed25519 = row.getBuffer("ed25519_secret_enc");
        Object headers = row.getValue("headers");
        return new ClaimedDelivery(
                row.getUUID("id"),
                row.getUUID("tenant_id"),
                row.getUUID("subscription_id"),
                row.getInteger("attempt"),
                row.getBoolean("ordered"),
                row.getInteger("cap"),
                row.getOffsetDateTime("cycle_started_at"),
                row.getOffsetDateTime("next_attempt_at"),
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
