package io.hookrelay.stream;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Page;
import io.hookrelay.http.Principal;
import io.hookrelay.http.ServerSentEvents;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.UUID;

/**
 * The tenant's events without a callback URL: {@code GET /v1/events/stream} (Server-Sent Events) and the
 * long-poll form of {@code GET /v1/events} ({@code after}, {@code wait}). A tenant key sees its own
 * events only; the admin token sees every tenant's.
 */
public final class StreamRoutes {

    static final int MAX_WAIT_SECONDS = 30;

    private final Vertx vertx;
    private final Pool pool;
    private final LocalStreams local;
    private final Duration heartbeat;

    public StreamRoutes(Vertx vertx, Pool pool, LocalStreams local, Duration heartbeat) {
        this.vertx = vertx;
        this.pool = pool;
        this.local = local;
        this.heartbeat = heartbeat;
    }

    /** Mount before the events routes: the long poll takes {@code listEvents} calls that name {@code after} or {@code wait}. */
    public void mount(RouterBuilder api) {
        api.getRoute("streamEvents").addHandler(this::stream);
        api.getRoute("listEvents").addHandler(this::longPoll);
    }

    private void stream(RoutingContext ctx) {
        try {
            UUID tenantId = scope(ctx);
            HttpServerRequest request = ctx.request();
            String lastEventId = request.getHeader("Last-Event-ID");
            StreamPosition from;
            if (lastEventId != null && !lastEventId.isBlank()) {
                from = StreamPosition.decode(lastEventId.trim(), "Last-Event-ID");
            } else {
                String after = request.getParam("after");
                from = after == null ? null : StreamPosition.decode(after, "after");
            }
            TypeFilter types = TypeFilter.parse(request.getParam("types"), "types");
            ServerSentEvents sse = ServerSentEvents.open(vertx, ctx.response(), heartbeat,
                    ServerSentEvents.DEFAULT_MAX_QUEUED_BYTES);
            new SseStream(pool, local, sse, tenantId, types, from).start();
        } catch (RuntimeException e) {
            ctx.fail(e);
        }
    }

    private void longPoll(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String after = request.getParam("after");
        String wait = request.getParam("wait");
        if (after == null && wait == null) {
            ctx.next();
            return;
        }
        try {
            UUID tenantId = scope(ctx);
            for (String listOnly : new String[] {"cursor", "since", "until"}) {
                if (request.getParam(listOnly) != null) {
                    throw ApiException.badRequest(listOnly + " pages the newest-first list; it does not combine with after or wait");
                }
            }
            StreamPosition from = after == null ? null : StreamPosition.decode(after, "after");
            int seconds = waitSeconds(wait);
            TypeFilter types = TypeFilter.parse(request.getParam("type"), "type");
            LongPoll poll = new LongPoll(vertx, pool, local, tenantId, types, from, Page.limit(ctx));
            ctx.response().closeHandler(v -> poll.abandon());
            poll.start(seconds * 1000L).onComplete(result -> {
                if (ctx.response().closed() || ctx.response().ended()) {
                    return;
                }
                if (result.failed()) {
                    ctx.fail(result.cause());
                } else {
                    result.result().send(ctx);
                }
            });
        } catch (RuntimeException e) {
            ctx.fail(e);
        }
    }

    private static UUID scope(RoutingContext ctx) {
        Principal principal = Auth.principal(ctx);
        return principal.admin() ? null : principal.tenantId();
    }

    static int waitSeconds(String raw) {
        if (raw == null) {
            return 0;
        }
        if (raw.matches("[0-9]{1,2}")) {
            int seconds = Integer.parseInt(raw);
            if (seconds <= MAX_WAIT_SECONDS) {
                return seconds;
            }
        }
        throw ApiException.badRequest("wait must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }
}
