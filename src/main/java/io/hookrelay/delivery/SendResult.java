package io.hookrelay.delivery;

import java.time.Duration;

/**
 * What happened to one webhook POST.
 *
 * @param statusCode the receiver's HTTP status, or 0 when no complete HTTP answer arrived
 * @param error a short description of what went wrong ("connection refused", "timeout after
 *     15000 ms", ...); null when an answer arrived, whatever its status
 * @param responseExcerpt the start of the response body as text, capped by the client; null when
 *     there was no answer
 * @param durationMillis time spent on the HTTP exchange itself, from after DNS to the end
 * @param retryAfter the answer's Retry-After, when it had a usable one; null otherwise
 */
public record SendResult(int statusCode, String error, String responseExcerpt, long durationMillis,
        Duration retryAfter) {

    public boolean succeeded() {
        return statusCode >= 200 && statusCode < 300;
    }

    static SendResult failure(String error, long durationMillis) {
        return new SendResult(0, error, null, durationMillis, null);
    }
}
