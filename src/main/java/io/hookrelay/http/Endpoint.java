package io.hookrelay.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/** Adapts an operation that answers a {@link Reply} to a route handler; any failure becomes a problem. */
@FunctionalInterface
public interface Endpoint {

    Future<Reply> handle(RoutingContext ctx);

    static Handler<RoutingContext> of(Endpoint endpoint) {
        return ctx -> {
            Future<Reply> reply;
            try {
                reply = endpoint.handle(ctx);
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            reply.onComplete(result -> {
                if (result.failed()) {
                    ctx.fail(result.cause());
                    return;
                }
                try {
                    result.result().send(ctx);
                } catch (RuntimeException e) {
                    // An answer that cannot be written (e.g. not encodable) must still end the request.
                    ctx.fail(e);
                }
            });
        };
    }

    /** The JSON object body, or an empty object when the (optional) body is absent. */
    static JsonObject body(RoutingContext ctx) {
        RequestBody body = ctx.body();
        if (body == null || body.isEmpty()) {
            return new JsonObject();
        }
        Object value = body.asJsonObject();
        if (value == null) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return (JsonObject) value;
    }
}
