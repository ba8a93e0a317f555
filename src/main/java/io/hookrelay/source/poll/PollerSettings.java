package io.hookrelay.source.poll;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link ResourcePoller} schedules and sends its polls.
 *
 * @param tickInterval   how often each instance looks for due sources. Default 1 s. A source is polled
 *                       at most this long after it falls due.
 * @param batchSize      the most polls one instance has in flight at once; each tick claims only as many
 *                       sources as are free. Default 20.
 * @param lease          how long a claimed source belongs to the instance that claimed it. If that
 *                       instance dies, another one picks the source up once the lease runs out. Must be
 *                       longer than {@code timeout}, so a poll in progress cannot lose its lease to a
 *                       second poll of the same source. Default 60 s.
 * @param connectTimeout the longest wait for the TCP (and TLS) connection. Default 5 s.
 * @param timeout        the longest a whole poll may take, from connecting to the last byte of the
 *                       body; then it fails as timed out. Default 15 s.
 * @param maxBodyBytes   the largest response body accepted; a larger one fails the poll (and is not
 *                       read further). Default 1 MiB.
 * @param maxBackoff     the longest wait before retrying a failing source, however many times it has
 *                       failed; a source whose own interval is longer keeps its interval. Default 1 h.
 */
public record PollerSettings(
        Duration tickInterval,
        int batchSize,
        Duration lease,
        Duration connectTimeout,
        Duration timeout,
        int maxBodyBytes,
        Duration maxBackoff) {

    public PollerSettings {
        positive(tickInterval, "tickInterval");
        positive(lease, "lease");
        positive(connectTimeout, "connectTimeout");
        positive(timeout, "timeout");
        positive(maxBackoff, "maxBackoff");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1, not " + maxBodyBytes);
        }
        if (lease.compareTo(timeout) <= 0) {
            throw new IllegalArgumentException("lease (" + lease + ") must be longer than timeout (" + timeout
                    + "), or a slow poll could lose its source to another instance while still running");
        }
    }

    public static PollerSettings defaults() {
        return new PollerSettings(Duration.ofSeconds(1), 20, Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(15), 1024 * 1024, Duration.ofHours(1));
    }

    public PollerSettings withTickInterval(Duration value) {
        return new PollerSettings(value, batchSize, lease, connectTimeout, timeout, maxBodyBytes, maxBackoff);
    }

    public PollerSettings withBatchSize(int value) {
        return new PollerSettings(tickInterval, value, lease, connectTimeout, timeout, maxBodyBytes, maxBackoff);
    }

    public PollerSettings withTimeouts(Duration connect, Duration total, Duration newLease) {
        return new PollerSettings(tickInterval, batchSize, newLease, connect, total, maxBodyBytes, maxBackoff);
    }

    public PollerSettings withMaxBodyBytes(int value) {
        return new PollerSettings(tickInterval, batchSize, lease, connectTimeout, timeout, value, maxBackoff);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        // Timers and timeouts take whole milliseconds; less would silently become zero.
        if (value.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, not " + value);
        }
    }
}
