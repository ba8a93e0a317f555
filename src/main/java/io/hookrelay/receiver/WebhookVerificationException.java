package io.hookrelay.receiver;

/**
 * A delivery failed verification. The {@link #reason()} says which check failed; the message adds a
 * human-readable detail. Neither ever contains secrets, keys or signature values, so both are safe to
 * log and to return to the sender.
 */
public final class WebhookVerificationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Which check rejected the delivery. */
    public enum Reason {
        /** {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} is absent. */
        MISSING_HEADER,
        /** A header is present but cannot be parsed. */
        MALFORMED_HEADER,
        /** {@code webhook-timestamp} is older than the tolerance allows (possible replay). */
        TIMESTAMP_TOO_OLD,
        /** {@code webhook-timestamp} lies further in the future than the tolerance allows. */
        TIMESTAMP_TOO_NEW,
        /** No signature entry matches any configured secret or public key. */
        NO_MATCHING_SIGNATURE,
        /** The signature is valid but the body is not a well-formed JSON object in UTF-8. */
        MALFORMED_BODY
    }

    private final Reason reason;

    public WebhookVerificationException(Reason reason, String message) {
        super(message);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
