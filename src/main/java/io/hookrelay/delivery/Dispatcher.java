package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.logging.Logger;

/**
 * Fans new events out to one delivery per matching active subscription ({@link FanOut}): those that
 * came in undispatched, as the service's own inserts fan out at once. One statement claims a batch
 * of undispatched events (SKIP LOCKED, so instances share the work), inserts their deliveries and marks
 * them dispatched: it commits whole or not at all, so a crash halfway repeats nothing and loses nothing.
 * Not thread-safe: driven from the delivery verticle's event loop.
 */
final class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    private static final String FAN_OUT = """
            WITH batch AS (
                SELECT id, seq, tenant_id, type, subscription_ids FROM events
                WHERE dispatched_at IS NULL
                ORDER BY seq LIMIT $1
                FOR UPDATE SKIP LOCKED),
            fanned AS (
            """ + FanOut.deliveriesOf("batch") + """
                ON CONFLICT (event_id, subscription_id) DO NOTHING
                RETURNING 1),
            marked AS (
                UPDATE events SET dispatched_at = clock_timestamp() WHERE id = ANY (ARRAY(SELECT id FROM batch))
                RETURNING 1)
            SELECT (SELECT count(*) FROM marked) AS events, (SELECT count(*) FROM fanned) AS deliveries
            """;

    private final Pool pool;
    private final int batchSize;
    private final Runnable onDeliveries;
    private boolean running;
    private boolean again;

    Dispatcher(Pool pool, int batchSize, Runnable onDeliveries) {
        this.pool = pool;
        this.batchSize = batchSize;
        this.onDeliveries = onDeliveries;
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
        return pool.preparedQuery(FAN_OUT).execute(Tuple.of(batchSize)).map(rows -> {
            Row counts = rows.iterator().next();
            long events = counts.getLong("events");
            if (counts.getLong("deliveries") > 0) {
                onDeliveries.run();
            }
            return events >= batchSize;
        });
    }
}
