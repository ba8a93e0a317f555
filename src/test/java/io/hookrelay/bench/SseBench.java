package io.hookrelay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code SseBench <database-url|embedded> [clients] [events-per-second] [seconds]}: that many concurrent
 * {@code GET /v1/events/stream} clients of one tenant while events are published at a steady rate through
 * the API. Two latencies per (event, client) pair of the measured period, each computed by the client
 * itself: from the moment the bench sent the publish request (its System.nanoTime() is in the event's
 * data, same JVM), which includes any queueing of publishes when the service accepts fewer than asked;
 * and from the event's {@code timestamp} (written by PostgreSQL's clock at insert, the same machine's
 * wall clock, millisecond resolution) to the moment the client read it: the streaming path alone. Also
 * prints the pairs missing at the end and the service's peak RSS.
 */
public final class SseBench {

    private static final long BUCKET_NANOS = 100_000;
    private static final int BUCKETS = 600_000;
    private static final byte[] MARK = "\"sent_nanos\":".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] TIMESTAMP = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray fromInsert = new AtomicLongArray(BUCKETS);
    private final java.util.concurrent.ConcurrentHashMap<String, Long> minuteStarts = new java.util.concurrent.ConcurrentHashMap<>();
    private final LongAdder received = new LongAdder();
    private final AtomicLong max = new AtomicLong();
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;

    public static void main(String[] args) throws Exception {
        String database = args.length > 0 && !args[0].equals("embedded") ? args[0] : null;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int perSecond = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy), "stop-bench-services"));
        Vertx vertx = Vertx.vertx();
        try (BenchService service = BenchService.start(database, Map.of("HOOKRELAY_DELIVERY_ENABLED", "false",
                "HOOKRELAY_POLLER_ENABLED", "false"))) {
            new SseBench().run(vertx, service, clients, perSecond, seconds);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private void run(Vertx vertx, BenchService service, int clients, int perSecond, int seconds) throws Exception {
        HttpClient publishHttp = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setDefaultHost("127.0.0.1").setDefaultPort(service.port),
                new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(100_000));
        String key = PublishBench.apiKey(publishHttp, service.adminToken).await(30, TimeUnit.SECONDS);
        HttpClient streamHttp = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setDefaultHost("127.0.0.1").setDefaultPort(service.port).setIdleTimeout(0),
                new PoolOptions().setHttp1MaxSize(clients + 10).setMaxWaitQueueSize(100_000));

        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        RequestOptions stream = new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1/events/stream")
                .putHeader("authorization", "Bearer " + key).putHeader("accept", "text/event-stream");
        for (int i = 0; i < clients; i++) {
            streamHttp.request(stream).compose(req -> req.send()).onComplete(result -> {
                if (result.failed() || result.result().statusCode() != 200) {
                    failed.incrementAndGet();
                    return;
                }
                open.incrementAndGet();
                Buffer[] tail = {Buffer.buffer()};
                result.result().handler(chunk -> tail[0] = scan(tail[0].appendBuffer(chunk)));
                result.result().endHandler(v -> ended.incrementAndGet());
                result.result().exceptionHandler(e -> ended.incrementAndGet());
            });
        }
        long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (open.get() + failed.get() < clients && System.nanoTime() < connectDeadline) {
            Thread.sleep(50);
        }
        System.out.printf("SSE: %d clients connected (%d failed), RSS %d MiB before publishing%n",
                open.get(), failed.get(), service.rssBytes() / (1024 * 1024));

        int warmup = 5;
        RequestOptions publish = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/events")
                .putHeader("authorization", "Bearer " + key).putHeader("content-type", "application/json");
        LongAdder published = new LongAdder();
        LongAdder measuredPublished = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        measureTo = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        long end = measureTo;
        long[] sent = {0};
        DeliveryRssSampler rss = new DeliveryRssSampler(vertx, service);
        long timer = vertx.setPeriodic(5, id -> {
            long now = System.nanoTime();
            long due = Math.min(now, end) - start;
            long target = due * perSecond / 1_000_000_000L;
            while (sent[0] < target) {
                sent[0]++;
                long at = System.nanoTime();
                boolean measured = at >= measureFrom && at < measureTo;
                Buffer body = new JsonObject().put("type", "order.created").put("data", new JsonObject()
                        .put("sent_nanos", at).put("order_id", sent[0]).put("customer", "cus_8f3a")
                        .put("total", 99.5).put("currency", "EUR")).toBuffer();
                publishHttp.request(publish)
                        .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> resp.statusCode())))
                        .onComplete(r -> {
                    if (r.succeeded() && r.result() == 202) {
                        published.increment();
                        if (measured) {
                            measuredPublished.increment();
                        }
                    } else {
                        errors.increment();
                    }
                });
            }
        });
        while (System.nanoTime() < end) {
            Thread.sleep(100);
        }
        vertx.cancelTimer(timer);
        // Let every publish be answered, then the last events reach every client.
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (published.sum() + errors.sum() < sent[0] && System.nanoTime() < drainDeadline) {
            Thread.sleep(100);
        }
        long expected = measuredPublished.sum() * open.get();
        while (received.sum() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(100);
            expected = measuredPublished.sum() * open.get();
        }
        rss.close();
        long count = received.sum();
        System.out.printf("SSE: %d clients, %d events/s scheduled for %d s (+%d s warm-up): %d published, %d errors,"
                        + " %d unanswered at the end%n", open.get(), perSecond, seconds, warmup, published.sum(), errors.sum(),
                sent[0] - published.sum() - errors.sum());
        System.out.printf("  delivered  %d of %d (event, client) pairs of the measured period; %d streams ended early%n",
                count, expected, ended.get());
        System.out.printf("  latency    publish sent -> event read by the client: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                percentile(histogram, count, 0.50), percentile(histogram, count, 0.99), max.get() / 1e6);
        System.out.printf("  latency    event inserted (its timestamp) -> read by the client: p50 %.1f ms, p99 %.1f ms%n",
                percentile(fromInsert, count, 0.50), percentile(fromInsert, count, 0.99));
        System.out.printf("  service RSS peak %d MiB%n", rss.peakMiB());
    }

    /** Finds every complete event in the buffer, records its latency, and returns what is left of a partial one. */
    private Buffer scan(Buffer buffer) {
        long now = System.nanoTime();
        java.time.Instant wall = java.time.Instant.now();
        long wallMicros = wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1_000;
        byte[] bytes = buffer.getBytes();
        int lastEnd = 0;
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                record(bytes, lastEnd, i, now, wallMicros);
                lastEnd = i + 2;
                i++;
            }
        }
        return lastEnd == 0 ? buffer : Buffer.buffer(java.util.Arrays.copyOfRange(bytes, lastEnd, bytes.length));
    }

    private void record(byte[] bytes, int from, int to, long now, long wallMicros) {
        int at = indexOf(bytes, from, to, MARK);
        if (at < 0) {
            return;
        }
        long sent = 0;
        for (int i = at + MARK.length; i < to && bytes[i] >= '0' && bytes[i] <= '9'; i++) {
            sent = sent * 10 + (bytes[i] - '0');
        }
        if (sent < measureFrom || sent >= measureTo) {
            return;
        }
        long latency = now - sent;
        received.increment();
        histogram.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, latency / BUCKET_NANOS)));
        if (latency > max.get()) {
            max.accumulateAndGet(latency, Math::max);
        }
        int ts = indexOf(bytes, from, to, TIMESTAMP);
        if (ts >= 0) {
            long insertedMicros = epochMicros(bytes, ts + TIMESTAMP.length);
            long sinceInsert = (wallMicros - insertedMicros) * 1_000;
            fromInsert.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, sinceInsert / BUCKET_NANOS)));
        }
    }

    /** {@code 2026-11-23T12:25:27.295Z}: the minute is parsed once and cached, seconds and fraction by hand. */
    private long epochMicros(byte[] bytes, int at) {
        String minute = new String(bytes, at, 17, StandardCharsets.US_ASCII);
        long minuteMillis = minuteStarts.computeIfAbsent(minute,
                m -> java.time.Instant.parse(m + "00Z").toEpochMilli());
        long seconds = (bytes[at + 17] - '0') * 10 + (bytes[at + 18] - '0');
        long micros = 0;
        int digits = 0;
        for (int i = at + 20; bytes[i] >= '0' && bytes[i] <= '9' && digits < 6; i++, digits++) {
            micros = micros * 10 + (bytes[i] - '0');
        }
        for (; digits < 6; digits++) {
            micros *= 10;
        }
        return minuteMillis * 1_000 + seconds * 1_000_000 + micros;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte[] mark) {
        outer:
        for (int i = from; i <= to - mark.length; i++) {
            for (int j = 0; j < mark.length; j++) {
                if (bytes[i + j] != mark[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private double percentile(AtomicLongArray histogram, long count, double p) {
        long rank = (long) Math.ceil(count * p);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram.get(i);
            if (seen >= rank && rank > 0) {
                return (i + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return Double.NaN;
    }
}
