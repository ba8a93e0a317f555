package io.hookrelay.signing;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The three Standard Webhooks headers of one delivery attempt. The timestamp is kept as the
 * header string so that exactly what was signed is what gets sent.
 */
public record SignedHeaders(String id, String timestamp, String signature) {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    public SignedHeaders {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(signature, "signature");
    }

    /** Signs {@code body} with every secret; the timestamp is truncated to whole seconds. */
    public static SignedHeaders sign(List<String> secrets, String msgId, Instant timestamp, byte[] body) {
        Objects.requireNonNull(timestamp, "timestamp");
        return sign(secrets, msgId, timestamp.getEpochSecond(), body);
    }

    /** Signs {@code body} with every secret; see {@link WebhookSigner#signatureHeader}. */
    public static SignedHeaders sign(List<String> secrets, String msgId, long epochSeconds, byte[] body) {
        String signature = WebhookSigner.signatureHeader(secrets, msgId, epochSeconds, body);
        return new SignedHeaders(msgId, Long.toString(epochSeconds), signature);
    }
}
