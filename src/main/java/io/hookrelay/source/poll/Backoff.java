package io.hookrelay.source.poll;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failing source waits before its next poll: its interval doubled for every consecutive
 * failure, capped at {@code max} (or at the interval itself, for sources polled less often than that),
 * then shortened by up to a fifth at random so sources that failed together (one server went down) do
 * not retry in lockstep.
 */
final class Backoff {

    private static final double JITTER = 0.2;

    private final Duration max;

    Backoff(Duration max) {
        this.max = max;
    }

    /** @param failures consecutive failures including the one just seen, so at least 1 */
    Duration delay(int intervalSeconds, int failures) {
        return jittered(ceiling(intervalSeconds, failures), ThreadLocalRandom.current().nextDouble());
    }

    /** The delay before jitter. */
    Duration ceiling(int intervalSeconds, int failures) {
        long interval = Math.max(1, intervalSeconds) * 1000L;
        long cap = Math.max(interval, max.toMillis());
        long delay = interval;
        // Doubling stops at the cap, so it cannot overflow however many failures there were.
        for (int i = 0; i < failures && delay < cap; i++) {
            delay *= 2;
        }
        return Duration.ofMillis(Math.min(delay, cap));
    }

    /** {@code random} in [0, 1): 0 keeps the full delay, towards 1 takes off up to a fifth. */
    static Duration jittered(Duration delay, double random) {
        return Duration.ofMillis(Math.round(delay.toMillis() * (1.0 - JITTER * random)));
    }
}
