package io.hookrelay.delivery;

import io.hookrelay.db.PgListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Calls back when the events table's NOTIFY arrives (written through any instance, by the API or a
 * table trigger). A hint only: the caller also polls, so a notification lost while reconnecting delays
 * work by at most the poll interval.
 */
public final class EventWakeups {

    public static final String CHANNEL = "hookrelay_events";

    private final PgListener listener;

    public EventWakeups(Vertx vertx, PgConnectOptions options, Runnable onWake) {
        this.listener = new PgListener(vertx, options, CHANNEL, payload -> onWake.run());
    }

    /** Never fails: delivery still works by polling until the LISTEN connection is up. */
    public Future<Void> start() {
        return listener.start();
    }

    public Future<Void> stop() {
        return listener.stop();
    }
}
