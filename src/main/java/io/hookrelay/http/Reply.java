package io.hookrelay.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An answer computed by an operation, written once, and storable for idempotent replay. The body is a JSON
 * object, or JSON text already written ({@code encoded}) where the route built it from stored text.
 */
public record Reply(int status, JsonObject body, Buffer encoded) {

    public Reply(int status, JsonObject body) {
        this(status, body, null);
    }

    public static Reply ok(JsonObject body) {
        return new Reply(200, body);
    }

    public static Reply created(JsonObject body) {
        return new Reply(201, body);
    }

    public static Reply noContent() {
        return new Reply(204, null);
    }

    /** A JSON object answer whose text is already written. */
    public static Reply encoded(int status, Buffer json) {
        return new Reply(status, null, json);
    }

    /** The body as JSON text, or null when there is none. */
    public Buffer text() {
        return encoded != null ? encoded : body == null ? null : body.toBuffer();
    }

    public void send(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("cache-control", "no-store");
        Buffer text = text();
        if (text == null) {
            ctx.response().end();
        } else {
            ctx.response().putHeader("content-type", "application/json").end(text);
        }
    }
}
