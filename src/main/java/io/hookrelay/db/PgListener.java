package io.hookrelay.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A {@code LISTEN} on one channel, on a connection of its own, that keeps itself connected. Callers treat
 * notifications as hints and also poll, so {@link #start} never fails: a first connect that fails is
 * retried every few seconds (the subscriber's own policy only reconnects a connection it once had).
 */
public final class PgListener {

    private static final Logger LOG = Logger.getLogger(PgListener.class.getName());
    private static final long RETRY_MS = 5_000;

    private final Vertx vertx;
    private final String channel;
    private final PgSubscriber subscriber;
    private volatile boolean stopped;

    public PgListener(Vertx vertx, PgConnectOptions options, String channel, Consumer<String> onPayload) {
        this.vertx = vertx;
        this.channel = channel;
        this.subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> Math.min(RETRY_MS, 100L * (1L << Math.min(retries, 6))));
        subscriber.channel(channel).handler(onPayload::accept);
        subscriber.closeHandler(v -> LOG.fine("LISTEN " + channel + " connection closed; reconnecting"));
    }

    public Future<Void> start() {
        return subscriber.connect().recover(e -> {
            LOG.warning("LISTEN " + channel + " failed, retrying every " + RETRY_MS / 1000 + " s: " + e.getMessage());
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
