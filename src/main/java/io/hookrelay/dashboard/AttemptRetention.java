package io.hookrelay.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.logging.Logger;

/**
 * Deletes attempts older than HOOKRELAY_ATTEMPT_RETENTION, in bounded batches so no statement holds
 * many locks or runs long, one batch after another without blocking anything. Several instances may
 * run it at once: each batch skips rows another one is deleting.
 */
public final class AttemptRetention {

    private static final Logger LOG = Logger.getLogger(AttemptRetention.class.getName());
    static final int BATCH = 5_000;
    private static final long PERIOD_MS = Duration.ofMinutes(10).toMillis();
    private static final long FIRST_RUN_MS = Duration.ofMinutes(1).toMillis();

    // An id array rather than "id IN (subquery)", which may be planned as a hash join over the whole table.
    static final String DELETE_BATCH = """
            DELETE FROM delivery_attempts WHERE id = ANY (ARRAY(
                SELECT id FROM delivery_attempts WHERE attempted_at < $1
                ORDER BY attempted_at LIMIT $2
                FOR UPDATE SKIP LOCKED))
            """;

    private final Vertx vertx;
    private final Pool pool;
    private final Duration retention;
    private final Clock clock;
    private boolean running;

    public AttemptRetention(Vertx vertx, Pool pool, Duration retention, Clock clock) {
        this.vertx = vertx;
        this.pool = pool;
        this.retention = retention;
        this.clock = clock;
    }

    /** Runs a minute after start-up, then every 10 minutes; a run still going skips the next tick. */
    public void schedule() {
        vertx.setTimer(FIRST_RUN_MS, first -> {
            tick();
            vertx.setPeriodic(PERIOD_MS, id -> tick());
        });
    }

    private void tick() {
        if (running) {
            return;
        }
        running = true;
        purge().onComplete(result -> {
            running = false;
            if (result.failed()) {
                LOG.warning("deleting old delivery attempts failed: " + result.cause().getMessage());
            } else if (result.result() > 0) {
                LOG.info("deleted " + result.result() + " delivery attempts older than " + retention);
            }
        });
    }

    /** Deletes every attempt older than the retention; answers how many. */
    public Future<Long> purge() {
        Promise<Long> done = Promise.promise();
        deleteBatches(clock.instant().minus(retention).atOffset(ZoneOffset.UTC), 0, done);
        return done.future();
    }

    private void deleteBatches(java.time.OffsetDateTime cutoff, long deletedSoFar, Promise<Long> done) {
        pool.preparedQuery(DELETE_BATCH).execute(Tuple.of(cutoff, BATCH)).onComplete(result -> {
            if (result.failed()) {
                done.fail(result.cause());
                return;
            }
            long deleted = deletedSoFar + result.result().rowCount();
            if (result.result().rowCount() < BATCH) {
                done.complete(deleted);
            } else {
                deleteBatches(cutoff, deleted, done);
            }
        });
    }
}
