package io.hookrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishes at a steady rate (a 5 ms tick that sends whatever the schedule says is due, so a late tick
 * catches up instead of lowering the rate) for a warm-up and then a measured period. For every event sent
 * in the measured period it keeps System.nanoTime() at the moment the request was sent, keyed by the id
 * the 202 answer gives - which is also the webhook-id the receiver sees, so the two can be joined.
 */
final class DeliveryPacedPublisher {

    /** Publishes still waiting for an answer beyond which the publisher skips sends rather than queue without bound. */
    private static final int MAX_OUTSTANDING = 2_000;

    private final Vertx vertx;
    private final DeliveryApi api;
    private final int perSecond;
    private final long start;
    private final long measureFrom;
    private final long end;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> answeredIn = new ConcurrentHashMap<>();
    private final AtomicLong outstanding = new AtomicLong();
    private final LongAdder errors = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final Promise<Void> done = Promise.promise();
    private long sent;
    private volatile boolean ticking = true;

    private DeliveryPacedPublisher(Vertx vertx, DeliveryApi api, int perSecond, int warmupSeconds, int seconds) {
        this.vertx = vertx;
        this.api = api;
        this.perSecond = perSecond;
        this.start = System.nanoTime();
        this.measureFrom = start + warmupSeconds * 1_000_000_000L;
        this.end = measureFrom + seconds * 1_000_000_000L;
    }

    static DeliveryPacedPublisher start(Vertx vertx, DeliveryApi api, int perSecond, int warmupSeconds, int seconds) {
        DeliveryPacedPublisher publisher = new DeliveryPacedPublisher(vertx, api, perSecond, warmupSeconds, seconds);
        vertx.setPeriodic(5, publisher::tick);
        return publisher;
    }

    /** Completes once the period is over and every publish has been answered. */
    Future<Void> done() {
        return done.future();
    }

    /** Send time (System.nanoTime()) of every event accepted in the measured period, by event id. */
    Map<String, Long> sentAt() {
        return sentAt;
    }

    /** How long the 202 took for each event of the measured period, in nanoseconds. */
    Map<String, Long> answeredIn() {
        return answeredIn;
    }

    long errors() {
        return errors.sum();
    }

    long skipped() {
        return skipped.sum();
    }

    long endNanos() {
        return end;
    }

    private void tick(long timer) {
        long now = System.nanoTime();
        long due = Math.min(now, end) - start;
        long target = due * perSecond / 1_000_000_000L;
        while (sent < target) {
            // Measured by its slot in the schedule, not by when it went out, so a late tick after the warm-up
            // does not add warm-up events to the measured ones.
            boolean measured = start + sent * 1_000_000_000L / perSecond >= measureFrom;
            sent++;
            if (outstanding.get() >= MAX_OUTSTANDING) {
                skipped.increment();
                continue;
            }
            send(System.nanoTime(), measured);
        }
        if (now >= end) {
            vertx.cancelTimer(timer);
            ticking = false;
            maybeDone();
        }
    }

    private void send(long at, boolean measured) {
        outstanding.incrementAndGet();
        api.publish().onComplete(result -> {
            if (result.succeeded()) {
                if (measured) {
                    sentAt.put(result.result(), at);
                    answeredIn.put(result.result(), System.nanoTime() - at);
                }
            } else {
                errors.increment();
            }
            outstanding.decrementAndGet();
            maybeDone();
        });
    }

    /** Called from the timer and from answers on other threads; volatile and atomic reads make one of them see the end. */
    private void maybeDone() {
        if (!ticking && outstanding.get() == 0) {
            done.tryComplete();
        }
    }
}
