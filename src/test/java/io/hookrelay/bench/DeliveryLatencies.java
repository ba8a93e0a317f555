package io.hookrelay.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Event-to-first-attempt latencies: for every (event, path) the time from sending the publish request to the
 * first delivery request reaching the receiver. Both ends are System.nanoTime() in the bench JVM, so no clock
 * skew and no millisecond rounding of the event's timestamp enter the figure.
 */
final class DeliveryLatencies {

    private final long[] sorted;
    private final long missing;

    private DeliveryLatencies(long[] sorted, long missing) {
        this.sorted = sorted;
        this.missing = missing;
    }

    static DeliveryLatencies join(Map<String, Long> sentAt, DeliveryReceiver receiver, Collection<String> paths) {
        long[] values = new long[sentAt.size() * paths.size()];
        int n = 0;
        long missing = 0;
        for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
            for (String path : paths) {
                Long arrived = receiver.firstArrival(sent.getKey(), path);
                if (arrived == null) {
                    missing++;
                } else {
                    values[n++] = arrived - sent.getValue();
                }
            }
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return new DeliveryLatencies(sorted, missing);
    }

    static DeliveryLatencies of(Collection<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new DeliveryLatencies(sorted, 0);
    }

    /** Already sorted nanoseconds, and how many of the sample never arrived; the array is kept, not copied. */
    static DeliveryLatencies ofSorted(long[] sortedNanos, long missing) {
        return new DeliveryLatencies(sortedNanos, missing);
    }

    /** Several runs' latencies as one sample, for percentiles over all of them. */
    static DeliveryLatencies merge(List<DeliveryLatencies> runs) {
        long[] all = runs.stream().flatMapToLong(run -> Arrays.stream(run.sorted)).sorted().toArray();
        return new DeliveryLatencies(all, runs.stream().mapToLong(DeliveryLatencies::missing).sum());
    }

    /** True once every (event, path) pair has arrived; used to end the drain wait early. */
    static boolean allArrived(Map<String, Long> sentAt, DeliveryReceiver receiver, List<String> paths) {
        for (String id : sentAt.keySet()) {
            for (String path : paths) {
                if (receiver.firstArrival(id, path) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    int count() {
        return sorted.length;
    }

    long missing() {
        return missing;
    }

    /** Nearest-rank percentile in milliseconds. */
    double millis(double percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    /**
     * Nearest-rank percentile over the arrived and the missing together, the missing counted as slower than any
     * that arrived (they had not arrived when the bench stopped waiting): NaN when the rank falls among them, so a
     * backlog never shows as a low p99.
     */
    double millisCountingMissing(double percentile) {
        long total = sorted.length + missing;
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(0, (long) Math.ceil(percentile * total) - 1);
        return rank < sorted.length ? sorted[(int) rank] / 1e6 : Double.NaN;
    }

    double maxMillis() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    String summary() {
        return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                millis(0.50), millis(0.90), millis(0.99), maxMillis());
    }
}
