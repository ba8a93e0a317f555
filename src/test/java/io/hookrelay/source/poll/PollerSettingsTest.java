package io.hookrelay.source.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PollerSettingsTest {

    @Test
    @DisplayName("the defaults tick every second, poll 20 at a time with a 60 s lease, 5 s to connect, 15 s in all, 1 MiB bodies")
    void defaults() {
        PollerSettings defaults = PollerSettings.defaults();
        assertEquals(Duration.ofSeconds(1), defaults.tickInterval());
        assertEquals(20, defaults.batchSize());
        assertEquals(Duration.ofSeconds(60), defaults.lease());
        assertEquals(Duration.ofSeconds(5), defaults.connectTimeout());
        assertEquals(Duration.ofSeconds(15), defaults.timeout());
        assertEquals(1024 * 1024, defaults.maxBodyBytes());
        assertEquals(Duration.ofHours(1), defaults.maxBackoff());
    }

    @Test
    @DisplayName("a lease no longer than the poll timeout is refused: a slow poll could lose its source mid-flight")
    void leaseMustOutlastAPoll() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PollerSettings.defaults()
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30)));
        assertTrue(e.getMessage().startsWith("lease (PT30S) must be longer than timeout (PT30S)"), e.getMessage());
    }

    @Test
    @DisplayName("zero, negative and sub-millisecond values are refused with the setting's name")
    void nonsenseRefused() {
        PollerSettings d = PollerSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withTickInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> d.withTickInterval(Duration.ofNanos(500)));
        assertThrows(IllegalArgumentException.class, () -> d.withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxBodyBytes(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.withTimeouts(Duration.ofSeconds(-1), d.timeout(), d.lease()));
        assertEquals("connectTimeout must be at least 1 ms, not PT-1S", e.getMessage());
    }
}
