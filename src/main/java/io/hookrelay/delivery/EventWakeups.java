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
    /** The payload of a write that left events undispatched, for the dispatcher (V14); other writes send ''. */
    static final String UNDISPATCHED = "undispatched";

    private final PgListener listener;

    /** Called back for every write of events. */
    public EventWakeups(Vertx vertx, PgConnectOptions options, Runnable onWake) {
        this(vertx, options, onWake, () -> { });
    }

    /** {@code onEvents} for every write of events, and {@code onUndispatched} too for one that needs the dispatcher. */
    EventWakeups(Vertx vertx, PgConnectOptions options, Runnable onEvents, Runnable onUndispatched) {
        this.listener = new PgListener(vertx, options, CHANNEL, payload -> {
            if (UNDISPATCHED.equals(payload)) {
                onUndispatched.run();
            }
            onEvents.run();
        });
    }

    /** Never fails: delivery still works by polling until the LISTEN connection is up. */
    public Future<Void> start() {
        return listener.start();
    }

    public Future<Void> stop() {
        return listener.stop();
    }
}
