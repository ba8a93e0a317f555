package io.hookrelay.delivery;

import io.hookrelay.crypto.SecretBox;
import io.hookrelay.http.JsonFormat;
import io.hookrelay.signing.SignedHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the signed POST for one delivery: the body {@code {"type","timestamp","data"}} as the exact
 * bytes that are signed, the subscription's custom headers, and the Standard Webhooks headers. The
 * webhook-id is the event id, so every retry and every resend carries the same dedupe id.
 */
final class WebhookRequests {

    /** Two or three secrets for each of this many subscriptions. */
    private static final int OPENED_SECRETS = 3 * 4096;

    private final OpenedSecrets opened;

    WebhookRequests(SecretBox secretBox) {
        this.opened = new OpenedSecrets(secretBox, OPENED_SECRETS);
    }

    OutboundRequest build(ClaimedDelivery delivery, Instant now) {
        byte[] body = body(delivery);
        String context = delivery.subscriptionId().toString();
        List<String> secrets = new ArrayList<>(3);
        secrets.add(opened.open(delivery.secret(), context));
        if (delivery.previousSecret() != null && delivery.previousSecretExpiresAt() != null
                && delivery.previousSecretExpiresAt().toInstant().isAfter(now)) {
            secrets.add(opened.open(delivery.previousSecret(), context));
        }
        if (delivery.ed25519Secret() != null) {
            secrets.add(opened.open(delivery.ed25519Secret(), context));
        }
        SignedHeaders signed = SignedHeaders.sign(secrets, delivery.eventId().toString(), now, body);
        Map<String, String> headers = new LinkedHashMap<>();
        delivery.headers().forEach(entry -> headers.put(entry.getKey(), String.valueOf(entry.getValue())));
        headers.put("content-type", "application/json");
        headers.put(SignedHeaders.ID_HEADER, signed.id());
        headers.put(SignedHeaders.TIMESTAMP_HEADER, signed.timestamp());
        headers.put(SignedHeaders.SIGNATURE_HEADER, signed.signature());
        return new OutboundRequest(URI.create(delivery.url()), headers, Buffer.buffer(body));
    }

    static byte[] body(ClaimedDelivery delivery) {
        return body(delivery.eventType(), delivery.eventCreatedAt(), delivery.eventData());
    }

    /** The data is spliced in as the database's JSON text, so it is never parsed and re-encoded per attempt. */
    static byte[] body(String type, OffsetDateTime createdAt, String dataJson) {
        String json = "{\"type\":" + Json.encode(type) + ",\"timestamp\":\"" + JsonFormat.time(createdAt)
                + "\",\"data\":" + dataJson + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** What the dashboard shows of a request: everything but the signature. */
    static Map<String, String> visibleHeaders(OutboundRequest request) {
        Map<String, String> visible = new LinkedHashMap<>(request.headers());
        visible.computeIfPresent(SignedHeaders.SIGNATURE_HEADER, (k, v) -> "(redacted)");
        visible.computeIfPresent("authorization", (k, v) -> "(redacted)");
        return visible;
    }
}
