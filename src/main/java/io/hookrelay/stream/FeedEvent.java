package io.hookrelay.stream;

import io.hookrelay.event.Event;
import io.hookrelay.http.ServerSentEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** An event at its feed position, encoded once however many clients receive it. */
public record FeedEvent(StreamPosition position, Event event, JsonObject json, Buffer frame) {

    public static FeedEvent of(StreamPosition position, Event event) {
        JsonObject json = event.toJson();
        return new FeedEvent(position, event, json, ServerSentEvents.frame(position.encode(), null, json.encode()));
    }
}
