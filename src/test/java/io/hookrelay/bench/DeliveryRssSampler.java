package io.hookrelay.bench;

import io.vertx.core.Vertx;

/** Peak resident set size of the service process, sampled every 250 ms while a run lasts. */
final class DeliveryRssSampler implements AutoCloseable {

    private final Vertx vertx;
    private final long timer;
    private volatile long peak;

    DeliveryRssSampler(Vertx vertx, BenchService service) {
        this.vertx = vertx;
        this.peak = Math.max(0, service.rssBytes());
        this.timer = vertx.setPeriodic(250, id -> peak = Math.max(peak, service.rssBytes()));
    }

    long peakMiB() {
        return peak / (1024 * 1024);
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
