package io.hookrelay.event;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** One entry of a tenant's event type catalogue. */
public record EventTypes(String name, String description, JsonObject schema, OffsetDateTime createdAt,
                         OffsetDateTime updatedAt) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("name", name)
                .put("description", description)
                .put("schema", schema)
                .put("created_at", JsonFormat.time(createdAt))
                .put("updated_at", JsonFormat.time(updatedAt));
    }
}
