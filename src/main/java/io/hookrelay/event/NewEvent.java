package io.hookrelay.event;

import java.util.List;
import java.util.UUID;

/**
 * An event about to enter the outbox. {@code data} is any JSON value as Vert.x represents it
 * (JsonObject, JsonArray, String, Number, Boolean or null); {@code subscriptionIds} null means "every
 * matching subscription"; {@code sourceId} names the detector that wrote it, if any.
 */
public record NewEvent(UUID tenantId, String type, Object data, List<UUID> subscriptionIds, UUID sourceId) {
}
