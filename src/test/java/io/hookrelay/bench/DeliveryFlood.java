package io.hookrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishes up to a fixed number of events as fast as a number of concurrent keep-alive clients allow, so
 * the service builds up a delivery backlog faster than it can drain it. Bounded by count and by a deadline.
 */
final class DeliveryFlood {

    private final DeliveryApi api;
    private final long total;
    private final long deadlineNanos;
    private final AtomicLong tickets = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Promise<Void> done = Promise.promise();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopped;

    private DeliveryFlood(DeliveryApi api, long total, long deadlineNanos) {
        this.api = api;
        this.total = total;
        this.deadlineNanos = deadlineNanos;
    }

    static DeliveryFlood start(DeliveryApi api, long total, int clients, long maxSeconds) {
        DeliveryFlood flood = new DeliveryFlood(api, total, System.nanoTime() + maxSeconds * 1_000_000_000L);
        flood.running.set(clients);
        for (int i = 0; i < clients; i++) {
            flood.next();
        }
        return flood;
    }

    long accepted() {
        return accepted.sum();
    }

    long errors() {
        return errors.sum();
    }

    boolean finished() {
        return done.future().isComplete();
    }

    /** Completes when every client has stopped: all events sent, the deadline passed, or {@link #stop()}. */
    Future<Void> done() {
        return done.future();
    }

    void stop() {
        stopped = true;
    }

    private void next() {
        if (stopped || System.nanoTime() >= deadlineNanos || tickets.getAndIncrement() >= total) {
            if (running.decrementAndGet() == 0) {
                done.tryComplete();
            }
            return;
        }
        api.publish().onComplete(result -> {
            if (result.succeeded()) {
                accepted.increment();
            } else {
                errors.increment();
            }
            next();
        });
    }
}
