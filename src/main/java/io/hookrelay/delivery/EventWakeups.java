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
final class EventWakeups {

    private static final Logger LOG = Logger.getLogger(EventWakeups.class.getName());
    static final String CHANNEL = "hookrelay_events";

    private final PgSubscriber subscriber;

    EventWakeups(Vertx vertx, PgConnectOptions options, Runnable onWake) {
        this.subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> Math.min(5_000L, 100L * (1L << Math.min(retries, 6))));
        subscriber.channel(CHANNEL).handler(payload -> onWake.run());
        subscriber.closeHandler(v -> LOG.fine("LISTEN connection closed; reconnecting"));
    }

    Future<Void> start() {
        return subscriber.connect().recover(e -> {
            // Delivery still works by polling; the subscriber keeps trying to reconnect.
            LOG.warning("LISTEN " + CHANNEL + " failed, falling back to polling: " + e.getMessage());
            return Future.succeededFuture();
        });
    }

    Future<Void> stop() {
        return subscriber.close();
    }
}
