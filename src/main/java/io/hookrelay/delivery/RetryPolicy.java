package io.hookrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again: exponential backoff with "equal jitter", bounded by a number
 * of attempts and by the age of the delivery.
 *
 * <p>After attempt n fails, the nominal delay is {@code initialDelay * 2^(n-1)}, capped at
 * {@code maxDelay}; the actual delay is that times a random factor in [0.5, 1.0], so deliveries
 * that failed together (an endpoint outage) do not all come back in the same second, yet none
 * comes back sooner than half the nominal delay.
 *
 * <p>{@link #defaults()} spreads retries over about three days, like the hosted services (Stripe
 * retries for up to three days; Svix's schedule spans about 27 hours). Nominal delays (jitter 1.0)
 * and the time since the first attempt:
 *
 * <pre>
 * after attempt   delay        total
 *   1             5 s          5 s
 *   2             10 s         15 s
 *   3             20 s         35 s
 *   4             40 s         1 min 15 s
 *   5             1 min 20 s   2 min 35 s
 *   6             2 min 40 s   5 min 15 s
 *   7             5 min 20 s   10 min 35 s
 *   8             10 min 40 s  21 min 15 s
 *   9             21 min 20 s  42 min 35 s
 *  10             42 min 40 s  1 h 25 min
 *  11             1 h 25 min   2 h 51 min
 *  12             2 h 51 min   5 h 41 min
 *  13             5 h 41 min   11 h 23 min
 *  14 and later   8 h          19 h 23 min, 27 h 23 min, ... 75 h 23 min after attempt 21
 * </pre>
 *
 * With jitter each delay is 50-100 % of the nominal one, so a delivery that never succeeds ends
 * after 21 attempts (every factor 1.0: the next try would be past three days) to 25 attempts
 * (every factor 0.5: the attempt limit, about 50 hours in); about 24 on average, close to 72 hours.
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts, Duration maxAge) {

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxAge, "maxAge");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive, got " + initialDelay);
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be positive, got " + maxDelay);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
        }
    }

    /** 5 s doubling to 8 h, at most 25 attempts within 3 days; see the class comment. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofSeconds(5), Duration.ofHours(8), 25, Duration.ofDays(3));
    }

    /**
     * When to try again after {@code attemptsMade} failed attempts of a delivery first created at
     * {@code createdAt}; empty means give up, because {@code maxAttempts} attempts were made or
     * the next one would fall after {@code createdAt + maxAge}.
     *
     * @param retryAfter what the receiver asked for (Retry-After on 429 or 503), or null; it
     *     replaces the computed delay when longer, but never beyond {@code maxDelay}, so a
     *     receiver cannot park a delivery for a year
     * @param jitter the random factor, in [0.5, 1.0]
     */
    public Optional<Instant> nextAttempt(int attemptsMade, Instant createdAt, Instant now, Duration retryAfter,
            double jitter) {
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade must be at least 1, got " + attemptsMade);
        }
        if (!(jitter >= 0.5 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0.5, 1.0], got " + jitter);
        }
        if (attemptsMade >= maxAttempts) {
            return Optional.empty();
        }
        Duration delay = scale(nominalDelay(attemptsMade), jitter);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = min(retryAfter, maxDelay);
        }
        Instant next = now.plus(delay);
        // Compared as an age rather than createdAt + maxAge, which a huge maxAge would overflow.
        return Duration.between(createdAt, next).compareTo(maxAge) > 0 ? Optional.empty() : Optional.of(next);
    }

    /** {@link #nextAttempt(int, Instant, Instant, Duration, double)} with jitter drawn from {@code random}. */
    public Optional<Instant> nextAttempt(int attemptsMade, Instant createdAt, Instant now, Duration retryAfter,
            RandomGenerator random) {
        return nextAttempt(attemptsMade, createdAt, now, retryAfter, random.nextDouble(0.5, 1.0));
    }

    /** The delay after attempt n before jitter: initialDelay * 2^(n-1), capped at maxDelay. */
    Duration nominalDelay(int attemptsMade) {
        Duration delay = initialDelay;
        // Doubling step by step and stopping at the cap means no 2^n is ever computed to overflow.
        for (int n = 1; n < attemptsMade; n++) {
            if (delay.compareTo(maxDelay.dividedBy(2)) > 0) {
                return maxDelay;
            }
            delay = delay.multipliedBy(2);
        }
        return min(delay, maxDelay);
    }

    private static Duration scale(Duration delay, double factor) {
        return Duration.ofMillis(Math.round(delay.toMillis() * factor));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
