package io.hookrelay.source.poll;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * An http source as it stood when this instance took its lease.
 *
 * @param headers  extra request headers, name to value
 * @param lastBody the body of the last successful poll as JSON text; null before the first one (a
 *                 resource whose body is JSON {@code null} has the text "null")
 */
record PolledSource(
        UUID id,
        UUID tenantId,
        String url,
        int intervalSeconds,
        JsonObject headers,
        boolean includeBody,
        String etag,
        String lastModified,
        String lastBody,
        int consecutiveFailures) {
}
