package io.hookrelay.event;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An event as stored in the outbox. Its id is the {@code webhook-id} of every delivery of it. */
public record Event(UUID id, long seq, UUID tenantId, String type, Object data, List<UUID> subscriptionIds,
                    UUID sourceId, OffsetDateTime createdAt) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id.toString())
                .put("type", type)
                .put("timestamp", JsonFormat.time(createdAt))
                .put("data", data)
                .put("subscription_ids", subscriptionIds == null ? null
                        : new JsonArray(subscriptionIds.stream().map(UUID::toString).toList()))
                .put("source_id", sourceId == null ? null : sourceId.toString());
    }
}
