package io.hookrelay.delivery;

import java.time.Instant;
import java.util.Map;

/**
 * What became of one attempt. {@code status} is the delivery's next state: pending (with
 * {@code nextAttemptAt}), succeeded, failed (out of attempts) or parked (the endpoint answered 410 Gone).
 */
record Outcome(ClaimedDelivery delivery, SendResult result, String status, Instant nextAttemptAt,
               Instant attemptedAt, Map<String, String> requestHeaders) {

    static final String PENDING = "pending";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String PARKED = "parked";

    boolean gone() {
        return result.statusCode() == 410;
    }
}
