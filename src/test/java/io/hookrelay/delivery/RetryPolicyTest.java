package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final RetryPolicy POLICY = RetryPolicy.defaults();

    /** The delay the policy picks after attempt n of a delivery created just now. */
    private static Duration delayAfter(RetryPolicy policy, int attemptsMade, Duration retryAfter, double jitter) {
        Instant next = policy.nextAttempt(attemptsMade, CREATED, CREATED, retryAfter, jitter).orElseThrow();
        return Duration.between(CREATED, next);
    }

    @Test
    @DisplayName("without jitter the delay doubles from 5 s until it reaches the 8 h cap, then stays there")
    void exponentialToTheCap() {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 16; attempt++) {
            delays.add(delayAfter(POLICY, attempt, null, 1.0));
        }

        List<Duration> expected = new ArrayList<>();
        for (int n = 0; n < 13; n++) {
            expected.add(Duration.ofSeconds(5L << n)); // 5 s ... 20480 s (5 h 41 min)
        }
        expected.addAll(List.of(Duration.ofHours(8), Duration.ofHours(8), Duration.ofHours(8)));
        assertEquals(expected, delays);
    }

    @Test
    @DisplayName("jitter takes between half and all of the nominal delay, and spreads the draws")
    void jitterBounds() {
        assertEquals(Duration.ofSeconds(40), delayAfter(POLICY, 4, null, 1.0));
        assertEquals(Duration.ofSeconds(20), delayAfter(POLICY, 4, null, 0.5));

        SplittableRandom random = new SplittableRandom(42);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Instant next = POLICY.nextAttempt(4, CREATED, CREATED, null, random).orElseThrow();
            Duration delay = Duration.between(CREATED, next);
            assertTrue(delay.compareTo(Duration.ofSeconds(20)) >= 0 && delay.compareTo(Duration.ofSeconds(40)) <= 0,
                    delay::toString);
            seen.add(delay);
        }
        assertTrue(seen.size() > 500, "only " + seen.size() + " distinct delays in 1000 draws");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.49, 1.01, -1, Double.NaN})
    @DisplayName("a jitter factor outside [0.5, 1.0] is a programming error")
    void jitterOutOfRange(double jitter) {
        assertThrows(IllegalArgumentException.class, () -> POLICY.nextAttempt(1, CREATED, CREATED, null, jitter));
    }

    @Test
    @DisplayName("after maxAttempts attempts the delivery is given up")
    void maxAttempts() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(1), 3, Duration.ofDays(1));

        assertTrue(policy.nextAttempt(2, CREATED, CREATED, null, 1.0).isPresent());
        assertEquals(Optional.empty(), policy.nextAttempt(3, CREATED, CREATED, null, 1.0));
        assertEquals(Optional.empty(), policy.nextAttempt(4, CREATED, CREATED, null, 1.0));
    }

    @Test
    @DisplayName("a try that would fall after maxAge is not scheduled; one exactly at maxAge still is")
    void maxAge() {
        Instant now = CREATED.plus(Duration.ofDays(3)).minusSeconds(10);

        assertEquals(Optional.of(now.plusSeconds(10)), POLICY.nextAttempt(2, CREATED, now, null, 1.0));
        assertEquals(Optional.empty(), POLICY.nextAttempt(3, CREATED, now, null, 1.0));
    }

    @Test
    @DisplayName("a Retry-After longer than the backoff replaces it; a shorter one does not shorten it")
    void retryAfterHonored() {
        assertEquals(Duration.ofMinutes(2), delayAfter(POLICY, 1, Duration.ofMinutes(2), 1.0));
        assertEquals(Duration.ofSeconds(20), delayAfter(POLICY, 3, Duration.ofSeconds(1), 1.0));
        // Compared with the jittered delay, so the receiver's wish is met exactly.
        assertEquals(Duration.ofSeconds(15), delayAfter(POLICY, 3, Duration.ofSeconds(15), 0.5));
    }

    @Test
    @DisplayName("a Retry-After is capped at maxDelay and cannot stretch a delivery past maxAge")
    void retryAfterCapped() {
        assertEquals(Duration.ofHours(8), delayAfter(POLICY, 1, Duration.ofDays(365), 1.0));

        Instant now = CREATED.plus(Duration.ofDays(3)).minusSeconds(3600);
        assertEquals(Optional.empty(), POLICY.nextAttempt(1, CREATED, now, Duration.ofHours(2), 1.0));
    }

    @Test
    @DisplayName("the default schedule keeps a failing delivery going for two to three days")
    void defaultScheduleSpan() {
        assertSchedule(1.0, 21, Duration.ofHours(67), Duration.ofHours(68));
        assertSchedule(0.75, 24, Duration.ofHours(60), Duration.ofHours(72));
        assertSchedule(0.5, 25, Duration.ofHours(49), Duration.ofHours(50));
    }

    /** Fails every attempt at its scheduled time with a constant jitter, until the policy gives up. */
    private static void assertSchedule(double jitter, int expectedAttempts, Duration atLeast, Duration atMost) {
        Instant now = CREATED;
        int attempts = 1;
        for (Optional<Instant> next = POLICY.nextAttempt(attempts, CREATED, now, null, jitter); next.isPresent();
                next = POLICY.nextAttempt(attempts, CREATED, now, null, jitter)) {
            now = next.get();
            attempts++;
        }
        Duration lastAttempt = Duration.between(CREATED, now);
        assertEquals(expectedAttempts, attempts, "attempts with jitter " + jitter);
        assertTrue(lastAttempt.compareTo(atLeast) >= 0 && lastAttempt.compareTo(atMost) <= 0,
                "last attempt " + lastAttempt + " after creation with jitter " + jitter);
    }

    @Test
    @DisplayName("very high attempt numbers stay at the cap instead of overflowing")
    void noOverflow() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(5), Duration.ofHours(8), 10_000, Duration.ofDays(3));

        assertEquals(Duration.ofHours(8), delayAfter(policy, 9_999, null, 1.0));
    }

    @Test
    @DisplayName("nonsense settings and attempt numbers are refused")
    void validation() {
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(Duration.ZERO, Duration.ofHours(1), 5, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(-1), 5, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(1), 0, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(1), 5, Duration.ofDays(-1)));
        assertThrows(IllegalArgumentException.class, () -> POLICY.nextAttempt(0, CREATED, CREATED, null, 1.0));
    }
}
