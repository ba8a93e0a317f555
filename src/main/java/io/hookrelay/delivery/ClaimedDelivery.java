package io.hookrelay.delivery;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A delivery this instance holds the lease on, with what it takes to send it. */
record ClaimedDelivery(
        UUID id,
        UUID tenantId,
        UUID subscriptionId,
        int attempt,
        int cap,
        OffsetDateTime cycleStartedAt,
        UUID eventId,
        String eventType,
        String eventData,
        OffsetDateTime eventCreatedAt,
        String url,
        JsonObject headers,
        byte[] secret,
        byte[] previousSecret,
        OffsetDateTime previousSecretExpiresAt,
        byte[] ed25519Secret) {
}
