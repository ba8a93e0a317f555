package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * A session advisory lock this instance keeps, on a connection of its own, for as long as it sends. Its queue
 * leases name the lock, and PostgreSQL drops the lock when the session ends, however the process ended: a lock
 * that can be taken is a holder that is gone, whose queues need not wait for their leases to run out. While the
 * lock is not held (its connection was lost), this instance claims nothing, since others may already be taking
 * its queues. The connection must be a real session: through a pooler in transaction mode the lock would not
 * belong to this instance.
 */
final class LeaseHolderLock {

    private static final Logger LOG = Logger.getLogger(LeaseHolderLock.class.getName());
    /** The first key of the two-key advisory lock: "hook". */
    static final int NAMESPACE = 0x686f6f6b;
    private static final long RETRY_MS = 1_000;

    private final Vertx vertx;
    private final PgConnectOptions options;
    private volatile int key = ThreadLocalRandom.current().nextInt();
    private volatile boolean held;
    private volatile boolean stopped;
    private PgConnection connection;

    LeaseHolderLock(Vertx vertx, PgConnectOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    /** Completes once the lock is held, or once the first try failed (it is retried until it holds). */
    Future<Void> start() {
        return lock().otherwise(e -> {
            retryLater(e);
            return null;
        });
    }

    boolean held() {
        return held && !stopped;
    }

    int key() {
        return key;
    }

    private Future<Void> lock() {
        return PgConnection.connect(vertx, options).compose(conn -> conn
                .preparedQuery("SELECT pg_try_advisory_lock($1, $2)").execute(Tuple.of(NAMESPACE, key))
                .compose(rows -> {
                    if (!rows.iterator().next().getBoolean(0)) {
                        // Another live instance drew the same key: draw again rather than share one.
                        key = ThreadLocalRandom.current().nextInt();
                        return conn.close().compose(v -> Future.failedFuture("lock key taken; drawing another"));
                    }
                    if (stopped) {
                        return conn.close();
                    }
                    connection = conn;
                    held = true;
                    conn.closeHandler(v -> {
                        held = false;
                        if (!stopped) {
                            LOG.warning("the lease holder lock's connection closed; claiming stops until it holds again");
                            retryLater(null);
                        }
                    });
                    return Future.<Void>succeededFuture();
                }, e -> conn.close().compose(v -> Future.failedFuture(e))));
    }

    private void retryLater(Throwable cause) {
        if (stopped) {
            return;
        }
        if (cause != null) {
            LOG.warning("taking the lease holder lock failed (retrying every " + RETRY_MS / 1000 + " s): " + cause.getMessage());
        }
        vertx.setTimer(RETRY_MS, id -> {
            if (!stopped) {
                lock().onFailure(this::retryLater);
            }
        });
    }

    /** Ends the session, and with it the lock: call after the queues are released. */
    Future<Void> stop() {
        stopped = true;
        held = false;
        return connection == null ? Future.succeededFuture() : connection.close();
    }
}
