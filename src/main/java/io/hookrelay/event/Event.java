package io.hookrelay.event;

import io.hookrelay.http.JsonFormat;
import io.hookrelay.http.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An event as stored in the outbox. Its id is the {@code webhook-id} of every delivery of it. {@code data} is
 * a value as Vert.x represents JSON, or {@link RawJson} for an event just published, whose data is the text received.
 */
public record Event(UUID id, long seq, UUID tenantId, String type, Object data, List<UUID> subscriptionIds,
                    UUID sourceId, OffsetDateTime createdAt) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id.toString())
                .put("type", type)
                .put("timestamp", JsonFormat.time(createdAt))
                .put("data", data instanceof RawJson raw ? raw.decode() : data)
                .put("subscription_ids", subscriptionIds == null ? null
                        : new JsonArray(subscriptionIds.stream().map(UUID::toString).toList()))
                .put("source_id", sourceId == null ? null : sourceId.toString());
    }

    /** The same JSON as {@link #toJson()}, written straight to text: published data is copied, not re-encoded. */
    public Buffer toText() {
        String dataText = data instanceof RawJson raw ? raw.text() : EventStore.encode(data);
        Buffer out = Buffer.buffer(dataText.length() + 200 + (subscriptionIds == null ? 0 : subscriptionIds.size() * 39));
        out.appendString("{\"id\":\"").appendString(id.toString())
                .appendString("\",\"type\":").appendString(Json.encode(type))
                .appendString(",\"timestamp\":\"").appendString(JsonFormat.time(createdAt))
                .appendString("\",\"data\":").appendString(dataText)
                .appendString(",\"subscription_ids\":");
        if (subscriptionIds == null) {
            out.appendString("null");
        } else {
            out.appendByte((byte) '[');
            for (int i = 0; i < subscriptionIds.size(); i++) {
                out.appendString(i == 0 ? "\"" : ",\"").appendString(subscriptionIds.get(i).toString()).appendByte((byte) '"');
            }
            out.appendByte((byte) ']');
        }
        out.appendString(",\"source_id\":").appendString(sourceId == null ? "null" : "\"" + sourceId + "\"");
        return out.appendByte((byte) '}');
    }
}
