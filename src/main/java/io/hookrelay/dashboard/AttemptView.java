package io.hookrelay.dashboard;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One recorded HTTP try of a delivery, with the request headers already redacted. */
record AttemptView(UUID id, int attempt, OffsetDateTime attemptedAt, int durationMs, Integer statusCode, String error,
                   String responseExcerpt, JsonObject requestHeaders) {

    static final String COLUMNS = """
            id, attempt, attempted_at, duration_ms, status_code, error, response_excerpt, request_headers""";

    static AttemptView from(Row row) {
        Object headers = row.getValue("request_headers");
        JsonObject stored = headers instanceof JsonObject object ? object : new JsonObject();
        return new AttemptView(row.getUUID("id"), row.getInteger("attempt"), row.getOffsetDateTime("attempted_at"),
                row.getInteger("duration_ms"), row.getInteger("status_code"), row.getString("error"),
                row.getString("response_excerpt"), AttemptHeaders.redact(stored));
    }

    boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("id", id.toString())
                .put("attempt", attempt)
                .put("attempted_at", JsonFormat.time(attemptedAt))
                .put("duration_ms", durationMs)
                .put("status_code", statusCode)
                .put("error", error)
                .put("response_excerpt", responseExcerpt)
                .put("succeeded", succeeded())
                .put("request_headers", requestHeaders);
    }
}
