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
 * Claims due deliveries in one statement: lock a batch with SKIP LOCKED, keep at most the free slots of
 * each subscription, and push their next_attempt_at out by the lease. If this instance dies, the lease
 * runs out and the deliveries are due again for any instance.
 */
final class DeliveryClaims {

    // Ordered subscriptions send only their oldest pending delivery (by event order), one at a time.
    private static final String CLAIM = """
            WITH candidates AS (
                -- deliveries alone, so the LIMIT is served from the deliveries_due index order
                SELECT id, subscription_id, event_id, next_attempt_at FROM deliveries
                WHERE status = 'pending' AND next_attempt_at <= now()
                  AND NOT (subscription_id = ANY ($3::uuid[]))
                ORDER BY next_attempt_at
                LIMIT $2 * 4
                FOR UPDATE SKIP LOCKED),
            capped AS (
                SELECT c.id, c.subscription_id, c.next_attempt_at,
                       CASE WHEN s.ordered THEN 1 ELSE coalesce(s.max_in_flight, $4) END AS cap
                FROM candidates c JOIN subscriptions s ON s.id = c.subscription_id
                WHERE NOT s.ordered OR NOT EXISTS (
                      SELECT 1 FROM deliveries o JOIN events oe ON oe.id = o.event_id, events me
                      WHERE me.id = c.event_id AND o.subscription_id = c.subscription_id
                        AND o.status = 'pending' AND oe.seq < me.seq)),
            busy AS (
                SELECT * FROM unnest($5::uuid[], $6::int[]) AS b (subscription_id, in_flight)),
            ranked AS (
                SELECT c.id, c.next_attempt_at, c.cap,
                       row_number() OVER (PARTITION BY c.subscription_id ORDER BY c.next_attempt_at) AS rank,
                       c.cap - coalesce(b.in_flight, 0) AS free
                FROM capped c LEFT JOIN busy b ON b.subscription_id = c.subscription_id),
            due AS (
                SELECT id, cap FROM ranked WHERE rank <= free ORDER BY next_attempt_at LIMIT $2)
            UPDATE deliveries d SET
                next_attempt_at = now() + make_interval(secs => $7::float8),
                leased_by = $1,
                attempts = d.attempts + 1
            FROM due, events e, subscriptions s
            WHERE d.id = due.id AND e.id = d.event_id AND s.id = d.subscription_id AND s.status = 'active'
            RETURNING d.id, d.tenant_id, d.subscription_id, d.attempts, d.cycle_started_at, due.cap,
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
