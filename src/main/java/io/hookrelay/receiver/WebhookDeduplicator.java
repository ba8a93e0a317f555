package io.hookrelay.receiver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers recently seen {@code webhook-id}s so that a retried delivery (same id, new timestamp and
 * signature) is processed once. Memory is bounded: beyond {@code maxEntries} the oldest id is forgotten,
 * and with a TTL ids also expire. Thread-safe.
 *
 * <p>Only feed it ids of <em>verified</em> deliveries, otherwise forged requests can push real ids out.
 * If processing a first-time delivery fails, call {@link #forget(String)} so the sender's retry is not
 * dropped as a duplicate.
 */
public final class WebhookDeduplicator {

    private final int maxEntries;
    private final Duration ttl;
    private final Clock clock;

    // Insertion order: the head is always the oldest entry, so both the size bound and TTL expiry only
    // ever remove from the head. A repeat sighting deliberately does not refresh an entry.
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

    /** Remembers up to {@code maxEntries} ids, with no time limit. */
    public WebhookDeduplicator(int maxEntries) {
        this(maxEntries, null, Clock.systemUTC());
    }

    /**
     * Remembers up to {@code maxEntries} ids, each for at most {@code ttl}.
     *
     * @param ttl   how long an id is remembered, or {@code null} for no time limit
     * @param clock the time source for expiry
     */
    public WebhookDeduplicator(int maxEntries, Duration ttl, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        this.maxEntries = maxEntries;
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records {@code webhookId} and reports whether this is its first sighting (within the bound and
     * TTL). Exactly one of several concurrent calls with the same new id returns {@code true}.
     */
    public synchronized boolean firstTime(String webhookId) {
        Objects.requireNonNull(webhookId, "webhookId");
        Instant now = clock.instant();
        expire(now);
        if (seen.containsKey(webhookId)) {
            return false;
        }
        seen.put(webhookId, now);
        if (seen.size() > maxEntries) {
            Iterator<String> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** Forgets {@code webhookId}, e.g. because processing it failed and the retry must go through. */
    public synchronized boolean forget(String webhookId) {
        return seen.remove(webhookId) != null;
    }

    /** The number of ids currently remembered (expired ones are dropped first). */
    public synchronized int size() {
        expire(clock.instant());
        return seen.size();
    }

    private void expire(Instant now) {
        if (ttl == null) {
            return;
        }
        Instant cutoff = now.minus(ttl);
        Iterator<Map.Entry<String, Instant>> entries = seen.entrySet().iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue().isAfter(cutoff)) {
                return;
            }
            entries.remove();
        }
    }
}
