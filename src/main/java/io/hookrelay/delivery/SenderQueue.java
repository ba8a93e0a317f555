package io.hookrelay.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One subscription's queue as this instance sends it, while it holds deliveries of it: those claimed and
 * waiting to go (read ahead, so a freed slot is filled at once instead of after a claim), those in flight,
 * and those answered whose outcome is not yet written. Not thread-safe: the delivery event loop drives it.
 */
final class SenderQueue {

    private record Buffered(ClaimedDelivery delivery, long claimedAtTick) {
    }

    final UUID subscription;
    private final ArrayDeque<Buffered> buffered = new ArrayDeque<>();
    private int cap;
    private boolean ordered;
    private int inFlight;
    private int unwritten;
    /** Where the next claim goes on reading this queue; null to read it from its start. */
    private QueuePosition position;

    SenderQueue(UUID subscription) {
        this.subscription = subscription;
    }

    /**
     * Answered deliveries of a queue that may wait for their outcome to be written while it goes on sending. With
     * as few as a cap's worth (16 for the default cap of 8) one endpoint got 3,100-3,900 deliveries/s, each small
     * outcome batch holding the sends up; with 64 it got 4,800-6,700/s (bench deliveries-one-endpoint, same runs).
     */
    static final int UNWRITTEN_BEYOND_CAP = 64;

    /** Sent and not yet written, as a subscription's limit: what a crash can make its receiver get twice. */
    static int unwrittenBound(int cap) {
        return cap + UNWRITTEN_BEYOND_CAP;
    }

    /**
     * The least an unordered queue reads ahead of what it has in flight. A cap's worth (8 by default) made one
     * endpoint wait for a claim every few deliveries, and the claim is the engine's costliest statement: with
     * publishers keeping the database busy each claim took several milliseconds, which bounded the queue.
     */
    static final int READ_AHEAD_AT_LEAST = 64;

    static int readAhead(int cap) {
        return Math.max(cap, READ_AHEAD_AT_LEAST);
    }

    /** How many of its deliveries a claim may hold for this queue: a cap in flight and the read-ahead. */
    static int claimable(int cap, boolean ordered) {
        return ordered ? 1 : cap + readAhead(cap);
    }

    void buffer(ClaimedDelivery delivery, long tick) {
        cap = delivery.cap();
        ordered = delivery.ordered();
        buffered.addLast(new Buffered(delivery, tick));
        if (!ordered && (position == null || delivery.position().compareTo(position) > 0)) {
            position = delivery.position();
        }
    }

    /**
     * Whether its next buffered delivery may go now: a free slot under the cap, and room under the bound on
     * what is sent and not yet written. An ordered queue sends one at a time, the next only once the previous
     * outcome is written.
     */
    boolean canSend() {
        if (buffered.isEmpty()) {
            return false;
        }
        if (ordered) {
            return inFlight + unwritten == 0;
        }
        return inFlight < cap && inFlight + unwritten < unwrittenBound(cap);
    }

    ClaimedDelivery send() {
        inFlight++;
        return buffered.removeFirst().delivery();
    }

    void answered() {
        inFlight--;
        unwritten++;
    }

    void written() {
        unwritten--;
    }

    /** Claimed but not yet sent: the next claim should top the buffer up before it runs dry. */
    boolean runningLow() {
        return !ordered && buffered.size() <= readAhead(cap) / 2;
    }

    /** Gives back what waited longer than since {@code tick}; its deliveries are claimed again when due. */
    List<ClaimedDelivery> dropBufferedBefore(long tick) {
        List<ClaimedDelivery> dropped = new ArrayList<>();
        while (!buffered.isEmpty() && buffered.peekFirst().claimedAtTick() < tick) {
            dropped.add(buffered.removeFirst().delivery());
        }
        if (!dropped.isEmpty()) {
            position = null;
        }
        return dropped;
    }

    List<ClaimedDelivery> dropAllBuffered() {
        return dropBufferedBefore(Long.MAX_VALUE);
    }

    int bufferedCount() {
        return buffered.size();
    }

    int inFlight() {
        return inFlight;
    }

    /** Counts against what a claim may give this queue. */
    int busy() {
        return ordered ? held() : inFlight + buffered.size();
    }

    boolean full() {
        return cap > 0 && busy() >= claimable(cap, ordered);
    }

    int held() {
        return buffered.size() + inFlight + unwritten;
    }

    boolean ordered() {
        return ordered;
    }

    QueuePosition position() {
        return position;
    }

    void forgetPosition() {
        position = null;
    }
}
