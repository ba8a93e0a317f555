package io.hookrelay.dashboard;

import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.ServerSentEvents;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** {@code GET /v1/deliveries/stream}: the live outcomes, scoped like every other delivery call. */
public final class DeliveryStreamRoutes {

    /** Streams one instance keeps open; each costs a connection, a timer and up to a write queue of memory. */
    static final int MAX_STREAMS = 1_000;
    private static final String SUBSCRIPTION_VISIBLE = """
            SELECT 1 FROM subscriptions WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2)
            """;

    private final Pool pool;
    private final DeliveryOutcomeFeed feed;
    private final Duration heartbeat;

    public DeliveryStreamRoutes(Pool pool, DeliveryOutcomeFeed feed, Duration heartbeat) {
        this.pool = pool;
        this.feed = feed;
        this.heartbeat = heartbeat;
    }

    public void mount(RouterBuilder api) {
        api.getRoute("streamDeliveries").addHandler(this::stream);
    }

    private void stream(RoutingContext ctx) {
        Scope scope;
        UUID subscription;
        try {
            scope = Scope.of(ctx);
            subscription = subscriptionFilter(QueryParams.single(ctx, "subscription_id"));
            if (feed.listening() >= MAX_STREAMS) {
                throw new ApiException(503, "too-many-streams", "Too many live streams",
                        "this instance serves " + MAX_STREAMS + " live streams already; try again later");
            }
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        visible(subscription, scope).onComplete(checked -> {
            if (checked.failed()) {
                ctx.fail(checked.cause());
                return;
            }
            open(ctx, scope, subscription);
        });
    }

    private void open(RoutingContext ctx, Scope scope, UUID subscription) {
        // Outcomes arrive on the feed's context; frames are written on the request's own.
        Context context = Vertx.currentContext();
        AtomicReference<DeliveryOutcomeFeed.Listener> listener = new AtomicReference<>();
        ServerSentEvents stream = ServerSentEvents.open(ctx.vertx(), ctx.response(), heartbeat,
                ServerSentEvents.DEFAULT_MAX_QUEUED_BYTES);
        stream.onClose(() -> {
            if (listener.get() != null) {
                feed.remove(listener.get());
            }
        });
        stream.begin();
        listener.set(new DeliveryOutcomeFeed.Listener(scope.tenantId(), subscription,
                outcome -> {
                    Buffer frame = ServerSentEvents.frame(outcome.getString("attempt_id"), "delivery", outcome.encode());
                    context.runOnContext(v -> stream.send(frame));
                },
                () -> context.runOnContext(v -> stream.end())));
        feed.add(listener.get());
    }

    private Future<Void> visible(UUID subscription, Scope scope) {
        if (subscription == null) {
            return Future.succeededFuture();
        }
        return pool.preparedQuery(SUBSCRIPTION_VISIBLE).execute(Tuple.of(subscription, scope.tenantId()))
                .compose(rows -> rows.size() == 1 ? Future.<Void>succeededFuture()
                        : Future.failedFuture(ApiException.notFound("subscription", subscription.toString())));
    }

    private static UUID subscriptionFilter(String raw) {
        if (raw == null) {
            return null;
        }
        UUID id = Ids.parse(raw);
        if (id == null) {
            throw ApiException.validation("subscription_id: must be a subscription id (a UUID)");
        }
        return id;
    }

}
