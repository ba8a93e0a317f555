package io.hookrelay.dashboard;

import io.hookrelay.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * How far back statistics look, and the bucket size of their time series. The window ends at the end
 * of the current bucket, so it holds exactly {@link #buckets()} whole buckets aligned to the epoch and
 * the last one fills up as time passes.
 */
enum StatsWindow {
    HOUR("1h", Duration.ofHours(1), Duration.ofMinutes(5)),
    DAY("24h", Duration.ofHours(24), Duration.ofHours(1)),
    WEEK("7d", Duration.ofDays(7), Duration.ofHours(6));

    private final String name;
    private final Duration length;
    private final Duration bucket;

    StatsWindow(String name, Duration length, Duration bucket) {
        this.name = name;
        this.length = length;
        this.bucket = bucket;
    }

    static StatsWindow parse(String raw) {
        if (raw == null) {
            return DAY;
        }
        for (StatsWindow window : values()) {
            if (window.name.equals(raw)) {
                return window;
            }
        }
        throw ApiException.validation("window: must be 1h, 24h or 7d");
    }

    String label() {
        return name;
    }

    Duration bucket() {
        return bucket;
    }

    int buckets() {
        return (int) (length.toMillis() / bucket.toMillis());
    }

    /** The window's [from, to) for a moment in it. */
    Range rangeAt(Instant now) {
        long size = bucket.toMillis();
        long end = Math.floorDiv(now.toEpochMilli(), size) * size + size;
        Instant to = Instant.ofEpochMilli(end);
        return new Range(to.minus(length).atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
    }

    record Range(OffsetDateTime from, OffsetDateTime to) {
    }
}
