package io.hookrelay.bench;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch. The end-to-end bench's processes (load generator, receiver)
 * compare times taken in different JVMs on one machine, where System.nanoTime() has no common origin; the
 * system clock has, and Instant.now() reads it with microsecond resolution on Linux.
 */
final class WallClock {

    private WallClock() {
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
