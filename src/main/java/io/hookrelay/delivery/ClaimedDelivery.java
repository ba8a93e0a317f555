package io.hookrelay.delivery;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A delivery this instance sends (it holds the lease on the subscription's queue), with what that takes. */
record ClaimedDelivery(
        UUID id,
        UUID tenantId,
        UUID subscriptionId,
        int attempt,
        boolean ordered,
        int cap,
        OffsetDateTime cycleStartedAt,
        OffsetDateTime nextAttemptAt,
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

    QueuePosition position() {
        return new QueuePosition(nextAttemptAt, id);
    }
}
