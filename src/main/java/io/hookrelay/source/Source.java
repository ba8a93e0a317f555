package io.hookrelay.source;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A change detector as stored: a table watch or a polled http resource, with its polling state. */
record Source(
        UUID id,
        UUID tenantId,
        String kind,
        TableName table,
        List<String> operations,
        String eventTypePrefix,
        String triggerName,
        String url,
        Integer intervalSeconds,
        JsonObject headers,
        boolean includeBody,
        OffsetDateTime lastPolledAt,
        OffsetDateTime nextPollAt,
        int consecutiveFailures,
        String lastError,
        OffsetDateTime createdAt) {

    static final String TABLE = "table";
    /** Poll headers usually carry credentials for the resource, so answers name them but never show them. */
    static final String HIDDEN_VALUE = "[redacted]";

    boolean isTable() {
        return TABLE.equals(kind);
    }

    JsonObject toJson() {
        JsonObject shownHeaders = new JsonObject();
        headers.fieldNames().forEach(name -> shownHeaders.put(name, HIDDEN_VALUE));
        return new JsonObject()
                .put("id", id.toString())
                .put("tenant_id", tenantId.toString())
                .put("kind", kind)
                .put("table", table == null ? null : table.qualified())
                .put("operations", operations == null ? null : new JsonArray(List.copyOf(operations)))
                .put("event_type_prefix", eventTypePrefix)
                .put("url", url)
                .put("interval_seconds", intervalSeconds)
                .put("headers", shownHeaders)
                .put("include_body", includeBody)
                .put("last_polled_at", JsonFormat.time(lastPolledAt))
                .put("next_poll_at", JsonFormat.time(nextPollAt))
                .put("consecutive_failures", consecutiveFailures)
                .put("last_error", lastError)
                .put("created_at", JsonFormat.time(createdAt));
    }
}
