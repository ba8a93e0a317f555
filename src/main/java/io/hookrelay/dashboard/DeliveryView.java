package io.hookrelay.dashboard;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A delivery as the dashboard shows it. */
record DeliveryView(UUID id, UUID tenantId, UUID eventId, String eventType, UUID subscriptionId, String status,
                    int attempts, int cycleAttempts, OffsetDateTime nextAttemptAt, Integer lastStatusCode, String lastError,
                    OffsetDateTime lastAttemptAt, OffsetDateTime createdAt, OffsetDateTime completedAt) {

    /** Selects the columns {@link #from} reads, from deliveries {@code d} joined with events {@code e}. */
    static final String COLUMNS = """
            d.id, d.tenant_id, d.event_id, e.type AS event_type, d.subscription_id, d.status, d.attempts, d.cycle_attempts,
            d.next_attempt_at, d.last_status_code, d.last_error, d.last_attempt_at, d.created_at, d.completed_at""";

    static DeliveryView from(Row row) {
        return new DeliveryView(row.getUUID("id"), row.getUUID("tenant_id"), row.getUUID("event_id"),
                row.getString("event_type"), row.getUUID("subscription_id"), row.getString("status"),
                row.getInteger("attempts"), row.getInteger("cycle_attempts"), row.getOffsetDateTime("next_attempt_at"),
                row.getInteger("last_status_code"), row.getString("last_error"), row.getOffsetDateTime("last_attempt_at"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("completed_at"));
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("id", id.toString())
                .put("tenant_id", tenantId.toString())
                .put("event_id", eventId.toString())
                .put("event_type", eventType)
                .put("subscription_id", subscriptionId.toString())
                .put("status", status)
                .put("attempts", attempts)
                .put("cycle_attempts", cycleAttempts)
                // Only a pending delivery is due; for the others the column holds a stale lease time.
                .put("next_attempt_at", "pending".equals(status) ? JsonFormat.time(nextAttemptAt) : null)
                .put("last_status_code", lastStatusCode)
                .put("last_error", lastError)
                .put("last_attempt_at", JsonFormat.time(lastAttemptAt))
                .put("created_at", JsonFormat.time(createdAt))
                .put("completed_at", JsonFormat.time(completedAt));
    }
}
