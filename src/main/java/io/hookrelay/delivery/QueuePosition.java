package io.hookrelay.delivery;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A place in a subscription's queue of due deliveries, which is ordered by (next_attempt_at, id). */
record QueuePosition(OffsetDateTime nextAttemptAt, UUID id) implements Comparable<QueuePosition> {

    @Override
    public int compareTo(QueuePosition other) {
        int byTime = nextAttemptAt.toInstant().compareTo(other.nextAttemptAt.toInstant());
        if (byTime != 0) {
            return byTime;
        }
        // PostgreSQL orders uuids as unsigned bytes; UUID.compareTo compares signed halves.
        int high = Long.compareUnsigned(id.getMostSignificantBits(), other.id.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(id.getLeastSignificantBits(), other.id.getLeastSignificantBits());
    }
}
