package io.hookrelay.http;

import io.vertx.core.json.Json;

/**
 * A JSON value kept as the text it arrived as, already checked to be one PostgreSQL's jsonb accepts: it is
 * stored and echoed without being decoded into objects and encoded again.
 */
public record RawJson(String text) {

    /** Decoded, for the rare reader that needs the value itself (a schema of the event type, a replay). */
    public Object decode() {
        return Json.decodeValue(text);
    }
}
