package io.hookrelay.receiver;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A delivery whose signature and timestamp have been checked.
 *
 * @param id        the {@code webhook-id} header: identical on every retry, use it to deduplicate
 * @param timestamp the {@code webhook-timestamp} header (the time of this delivery attempt)
 * @param body      the raw body bytes exactly as received and signed
 * @param event     the parsed payload envelope
 */
public record VerifiedWebhook(String id, Instant timestamp, byte[] body, WebhookEvent event) {

    public VerifiedWebhook {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(event, "event");
        // Copy in and out: the bytes are what was authenticated and must not change afterwards.
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    // Records compare arrays by reference; value semantics need the contents compared.
    @Override
    public boolean equals(Object other) {
        return other instanceof VerifiedWebhook that
                && id.equals(that.id)
                && timestamp.equals(that.timestamp)
                && Arrays.equals(body, that.body)
                && event.equals(that.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, timestamp, Arrays.hashCode(body), event);
    }

    @Override
    public String toString() {
        return "VerifiedWebhook[id=" + id + ", timestamp=" + timestamp + ", body=" + body.length
                + " bytes, type=" + event.type() + "]";
    }
}
