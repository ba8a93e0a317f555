package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Fans new events out to one delivery per matching active subscription. One statement claims a batch
 * of undispatched events (SKIP LOCKED, so instances share the work), inserts their deliveries (leasing
 * those this instance has room to send at once) and marks them dispatched: it commits whole or not at all,
 * so a crash halfway repeats nothing and loses nothing.
 * Not thread-safe: driven from the delivery verticle's event loop.
 */
final class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    /*
     * Deliveries for subscriptions with free slots on this instance are created already leased to it and
     * returned with what sending them takes, so a fresh delivery needs no separate claim. Ordered
     * subscriptions are left to the claim, which alone knows their queue.
     */
    private static final String FAN_OUT = """
            WITH batch AS (
                SELECT id, seq, tenant_id, type, data, created_at, subscription_ids FROM events
                WHERE dispatched_at IS NULL
                ORDER BY seq LIMIT $1
                FOR UPDATE SKIP LOCKED),
            matched AS (
                SELECT b.tenant_id, b.id AS event_id, b.seq, s.id AS subscription_id,
                       coalesce(s.max_in_flight, $7) AS cap,
                       NOT s.ordered AND NOT (s.id = ANY ($4::uuid[])) AS may_lease,
                       row_number() OVER (PARTITION BY s.id ORDER BY b.seq) AS rank
                FROM batch b JOIN subscriptions s ON s.tenant_id = b.tenant_id AND s.status = 'active'
                WHERE (b.subscription_ids IS NULL OR s.id = ANY (b.subscription_ids))
                  AND hookrelay_type_matches(s.event_types, b.type)),
            eligible AS (
                SELECT m.event_id, m.subscription_id, m.cap,
                       row_number() OVER (ORDER BY m.seq, m.subscription_id) AS overall
                FROM matched m
                LEFT JOIN unnest($5::uuid[], $6::int[]) AS f (subscription_id, in_flight)
                       ON f.subscription_id = m.subscription_id
                WHERE m.may_lease AND m.rank <= m.cap - coalesce(f.in_flight, 0)),
            leasing AS (
                SELECT event_id, subscription_id, cap FROM eligible WHERE overall <= $3),
            fanned AS (
                INSERT INTO deliveries (tenant_id, event_id, event_seq, subscription_id, leased_by, leased_until, attempts)
                SELECT m.tenant_id, m.event_id, m.seq, m.subscription_id,
                       CASE WHEN l.cap IS NOT NULL THEN $2 END,
                       CASE WHEN l.cap IS NOT NULL THEN now() + make_interval(secs => $8::float8) END,
                       CASE WHEN l.cap IS NOT NULL THEN 1 ELSE 0 END
                FROM matched m
                LEFT JOIN leasing l ON l.event_id = m.event_id AND l.subscription_id = m.subscription_id
                ON CONFLICT (event_id, subscription_id) DO NOTHING
                RETURNING id, tenant_id, event_id, subscription_id, attempts, cycle_started_at, leased_by),
            marked AS (
                UPDATE events SET dispatched_at = clock_timestamp() WHERE id IN (SELECT id FROM batch)
                RETURNING 1),
            counts AS (
                SELECT (SELECT count(*) FROM marked) AS events, (SELECT count(*) FROM fanned) AS deliveries)
            SELECT c.events, c.deliveries, r.*
            FROM counts c LEFT JOIN (
                SELECT f.id, f.tenant_id, f.subscription_id, f.attempts, f.cycle_started_at, l.cap,
                       b.id AS event_id, b.type, b.data::text AS data, b.created_at AS event_created_at,
                       s.url, s.headers, s.secret_enc, s.previous_secret_enc, s.previous_secret_expires_at,
                       s.ed25519_secret_enc
                FROM fanned f
                JOIN leasing l ON l.event_id = f.event_id AND l.subscription_id = f.subscription_id
                JOIN batch b ON b.id = f.event_id
                JOIN subscriptions s ON s.id = f.subscription_id
                WHERE f.leased_by IS NOT NULL) r ON true
            """;

    private final Pool pool;
    private final int batchSize;
    private final DeliverySender sender;
    private final String owner;
    private final int perSubscription;
    private final Duration lease;
    private boolean running;
    private boolean again;

    Dispatcher(Pool pool, int batchSize, DeliverySender sender, String owner, int perSubscription, Duration lease) {
        this.pool = pool;
        this.batchSize = batchSize;
        this.sender = sender;
        this.owner = owner;
        this.perSubscription = perSubscription;
        this.lease = lease;
    }

    /** Runs until no undispatched event is left; a wake-up during a run schedules one more run. */
    void wake() {
        if (running) {
            again = true;
            return;
        }
        running = true;
        again = false;
        runOnce().onComplete(result -> {
            running = false;
            if (result.failed()) {
                LOG.warning("dispatching events failed (will retry on the next wake-up): " + result.cause().getMessage());
            } else if (result.result() || again) {
                wake();
            }
        });
    }

    /** True when the batch was full, so more events may be waiting. */
    private Future<Boolean> runOnce() {
        FreeSlots lent = sender.lendToDispatcher();
        Tuple args = lent.addTo(Tuple.of(batchSize, owner))
                .addValue(perSubscription)
                .addValue((double) lease.toMillis() / 1000.0);
        return pool.preparedQuery(FAN_OUT).execute(args)
                .onFailure(e -> {
                    if (lent.total() > 0) {
                        sender.dispatchFailed();
                    }
                })
                .map(rows -> {
                    Row counts = rows.iterator().next();
                    long events = counts.getLong("events");
                    long deliveries = counts.getLong("deliveries");
                    List<ClaimedDelivery> leased = new ArrayList<>();
                    rows.forEach(row -> {
                        if (row.getUUID("id") != null) {
                            leased.add(DeliveryClaims.map(row));
                        }
                    });
                    if (lent.total() > 0) {
                        sender.sendLeased(leased, false);
                    }
                    if (deliveries > leased.size()) {
                        // Some went to full or ordered subscriptions, or beyond the free slots: a claim takes them.
                        sender.wake();
                    }
                    return events >= batchSize;
                });
    }
}
