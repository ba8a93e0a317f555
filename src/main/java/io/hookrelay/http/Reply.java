package io.hookrelay.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An answer computed by an operation, written once, and storable for idempotent replay. */
public record Reply(int status, JsonObject body) {

    public static Reply ok(JsonObject body) {
        return new Reply(200, body);
    }

    public static Reply created(JsonObject body) {
        return new Reply(201, body);
    }

    public static Reply noContent() {
        return new Reply(204, null);
    }

    public void send(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("cache-control", "no-store");
        if (body == null) {
            ctx.response().end();
        } else {
            ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
        }
    }
}
