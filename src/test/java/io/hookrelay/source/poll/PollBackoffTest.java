package io.hookrelay.source.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PollBackoffTest {

    final Backoff backoff = new Backoff(Duration.ofHours(1));

    @Test
    @DisplayName("each consecutive failure doubles the wait, from the source's own interval")
    void doubles() {
        assertEquals(Duration.ofSeconds(20), backoff.ceiling(10, 1));
        assertEquals(Duration.ofSeconds(40), backoff.ceiling(10, 2));
        assertEquals(Duration.ofSeconds(80), backoff.ceiling(10, 3));
    }

    @Test
    @DisplayName("the wait stops growing at the cap, however many failures, and never overflows")
    void capped() {
        assertEquals(Duration.ofHours(1), backoff.ceiling(10, 9));
        assertEquals(Duration.ofHours(1), backoff.ceiling(10, 1_000_000));
        assertEquals(Duration.ofHours(1), backoff.ceiling(1, Integer.MAX_VALUE));
    }

    @Test
    @DisplayName("a source polled less often than the cap keeps its own interval when failing")
    void longIntervals() {
        assertEquals(Duration.ofHours(6), backoff.ceiling(6 * 3600, 3));
        assertEquals(Duration.ofSeconds(Integer.MAX_VALUE), backoff.ceiling(Integer.MAX_VALUE, 40));
    }

    @Test
    @DisplayName("jitter takes off at most a fifth and never adds")
    void jitter() {
        assertEquals(Duration.ofSeconds(100), Backoff.jittered(Duration.ofSeconds(100), 0.0));
        assertEquals(Duration.ofSeconds(90), Backoff.jittered(Duration.ofSeconds(100), 0.5));
        assertTrue(Backoff.jittered(Duration.ofSeconds(100), 0.999_999).compareTo(Duration.ofSeconds(80)) >= 0);
        for (int i = 0; i < 1000; i++) {
            Duration delay = backoff.delay(10, 1);
            assertTrue(delay.compareTo(Duration.ofSeconds(16)) >= 0 && delay.compareTo(Duration.ofSeconds(20)) <= 0, delay.toString());
        }
    }
}
