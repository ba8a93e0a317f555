package io.hookrelay.tenant;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

public record Tenant(UUID id, String name, OffsetDateTime createdAt) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id.toString())
                .put("name", name)
                .put("created_at", JsonFormat.time(createdAt));
    }
}
