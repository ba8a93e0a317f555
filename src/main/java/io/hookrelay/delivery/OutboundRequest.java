package io.hookrelay.delivery;

import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One webhook POST, ready to go: where to, which headers (already signed) and the exact body bytes.
 * {@link WebhookHttpClient} adds only {@code user-agent}, {@code host} and {@code content-length}.
 */
public record OutboundRequest(URI url, Map<String, String> headers, Buffer body) {

    public OutboundRequest {
        Objects.requireNonNull(url, "url");
        // Kept as given (not copied) so the wire order follows the caller's map.
        headers = headers == null ? Map.of() : headers;
        body = body == null ? Buffer.buffer() : body;
    }
}
