package io.hookrelay.tenant;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An API key as stored: never the key itself, only its hash (elsewhere) and a recognisable prefix. */
public record ApiKey(UUID id, UUID tenantId, String name, String prefix, OffsetDateTime createdAt,
                     OffsetDateTime revokedAt) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id.toString())
                .put("tenant_id", tenantId.toString())
                .put("name", name)
                .put("prefix", prefix)
                .put("created_at", JsonFormat.time(createdAt))
                .put("revoked_at", JsonFormat.time(revokedAt));
    }
}
