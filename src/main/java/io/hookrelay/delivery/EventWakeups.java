package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.logging.Logger;

/**
 * Calls back when the events table's NOTIFY arrives (written through any instance, by the API or a
 * table trigger). A hint only: the caller also polls, so a notification lost while reconnecting delays
 * work by at most the poll interval.
 */
public final class EventWakeups {

    private static final Logger LOG = Logger.getLogger(EventWakeups.class.getName());
    public static final String CHANNEL = "hookrelay_events";

    private static final long RETRY_MS = 5_000;

    private final Vertx vertx;
    private final PgSubscriber subscriber;
    private boolean stopped;

    public EventWakeups(Vertx vertx, PgConnectOptions options, Runnable onWake) {
        this.vertx = vertx;
        this.subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> Math.min(5_000L, 100L * (1L << Math.min(retries, 6))));
        subscriber.channel(CHANNEL).handler(payload -> onWake.run());
        subscriber.closeHandler(v -> LOG.fine("LISTEN connection closed; reconnecting"));
    }

    /**
     * Never fails: delivery still works by polling. The subscriber's own policy only reconnects a
     * connection it had, so a first connect that fails is retried here.
     */
    public Future<Void> start() {
        return subscriber.connect().recover(e -> {
            LOG.warning("LISTEN " + CHANNEL + " failed, polling until it succeeds: " + e.getMessage());
            if (!stopped) {
                vertx.setTimer(RETRY_MS, id -> {
                    if (!stopped) {
                        start();
                    }
                });
            }
            return Future.succeededFuture();
        });
    }

    public Future<Void> stop() {
        stopped = true;
        return subscriber.close();
    }
}
