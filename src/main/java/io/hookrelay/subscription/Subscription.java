package io.hookrelay.subscription;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A tenant's callback URL and what it wants to receive. Secrets live apart, in {@link SubscriptionSecrets}. */
public record Subscription(
        UUID id,
        UUID tenantId,
        String url,
        List<String> eventTypes,
        String description,
        JsonObject headers,
        JsonObject metadata,
        Integer maxInFlight,
        boolean ordered,
        String ed25519PublicKey,
        String status,
        String disabledReason,
        OffsetDateTime disabledAt,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id.toString())
                .put("url", url)
                .put("event_types", new JsonArray(List.copyOf(eventTypes)))
                .put("description", description)
                .put("headers", headers.copy())
                .put("metadata", metadata.copy())
                .put("max_in_flight", maxInFlight)
                .put("ordered", ordered)
                .put("ed25519_public_key", ed25519PublicKey)
                .put("status", status)
                .put("disabled_reason", disabledReason)
                .put("disabled_at", JsonFormat.time(disabledAt))
                .put("created_at", JsonFormat.time(createdAt))
                .put("updated_at", JsonFormat.time(updatedAt));
    }
}
