package io.hookrelay.delivery;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How many more deliveries this instance may lease, in all and per subscription: subscriptions at their
 * cap are {@code full}; the others with sends in flight are {@code busy}, with their counts.
 */
record FreeSlots(int total, UUID[] full, UUID[] busy, Integer[] busyCounts) {

    static final FreeSlots NONE = new FreeSlots(0, new UUID[0], new UUID[0], new Integer[0]);

    static FreeSlots of(int total, Map<UUID, Integer> inFlight, Map<UUID, Integer> caps, int defaultCap) {
        List<UUID> full = new ArrayList<>();
        List<UUID> busy = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        inFlight.forEach((subscription, count) -> {
            if (count >= caps.getOrDefault(subscription, defaultCap)) {
                full.add(subscription);
            } else {
                busy.add(subscription);
                counts.add(count);
            }
        });
        return new FreeSlots(total, full.toArray(UUID[]::new), busy.toArray(UUID[]::new), counts.toArray(Integer[]::new));
    }

    /** Appends the total, the full subscriptions, the busy ones and their counts, in that order. */
    Tuple addTo(Tuple args) {
        return args.addValue(total).addValue(full).addValue(busy).addValue(busyCounts);
    }
}
