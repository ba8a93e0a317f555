package io.hookrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sustained {@code POST /v1/events} from 64 concurrent keep-alive clients against the service jar.
 * Prints throughput, latency percentiles and the service's peak RSS. Usage (see bench/publish-events.sh):
 * {@code PublishBench <database-url|embedded> [seconds] [clients]}.
 */
public final class PublishBench {

    public static void main(String[] args) throws Exception {
        String database = args.length > 0 && !args[0].equals("embedded") ? args[0] : null;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int warmupSeconds = 5;

        try (BenchService service = BenchService.start(database, Map.of())) {
            Vertx vertx = Vertx.vertx();
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                    .setDefaultHost("127.0.0.1").setDefaultPort(service.port), new PoolOptions().setHttp1MaxSize(clients));
            String key = apiKey(http, service.adminToken).await(30, TimeUnit.SECONDS);

            Buffer body = new JsonObject().put("type", "order.created").put("data", new JsonObject()
                    .put("order_id", 12345).put("customer", "cus_8f3a").put("total", 99.5).put("currency", "EUR")
                    .put("lines", new io.vertx.core.json.JsonArray().add(new JsonObject().put("sku", "A-1").put("qty", 2))))
                    .toBuffer();
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/events")
                    .putHeader("authorization", "Bearer " + key).putHeader("content-type", "application/json");

            long[] latencies = new long[8_000_000];
            AtomicLong recorded = new AtomicLong();
            LongAdder errors = new LongAdder();
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            long[] peakRss = {0};
            long sampler = vertx.setPeriodic(500, id -> peakRss[0] = Math.max(peakRss[0], service.rssBytes()));

            Promise<Void> done = Promise.promise();
            AtomicLong running = new AtomicLong(clients);
            for (int i = 0; i < clients; i++) {
                loop(http, request, body, end, measureFrom, latencies, recorded, errors, () -> {
                    if (running.decrementAndGet() == 0) {
                        done.complete();
                    }
                });
            }
            done.future().await(seconds + warmupSeconds + 60L, TimeUnit.SECONDS);
            vertx.cancelTimer(sampler);

            int n = (int) Math.min(recorded.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            System.out.printf("POST /v1/events: %d clients, %d s measured after %d s warm-up%n", clients, seconds, warmupSeconds);
            System.out.printf("  throughput  %.0f events/s (%d accepted, %d errors)%n", n / (double) seconds, n, errors.sum());
            System.out.printf("  latency     p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    pct(sorted, 0.50), pct(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1e6);
            System.out.printf("  service RSS peak %d MiB%n", peakRss[0] / (1024 * 1024));
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void loop(HttpClient http, RequestOptions request, Buffer body, long end, long measureFrom,
                             long[] latencies, AtomicLong recorded, LongAdder errors, Runnable finished) {
        long sent = System.nanoTime();
        if (sent >= end) {
            finished.run();
            return;
        }
        http.request(request).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(result -> {
                    long now = System.nanoTime();
                    if (result.succeeded() && result.result() == 202) {
                        if (sent >= measureFrom && now <= end) {
                            long slot = recorded.getAndIncrement();
                            if (slot < latencies.length) {
                                latencies[(int) slot] = now - sent;
                            }
                        }
                    } else if (sent >= measureFrom) {
                        errors.increment();
                    }
                    loop(http, request, body, end, measureFrom, latencies, recorded, errors, finished);
                });
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    static Future<String> apiKey(HttpClient http, String adminToken) {
        RequestOptions tenant = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/tenants")
                .putHeader("authorization", "Bearer " + adminToken).putHeader("content-type", "application/json");
        return http.request(tenant).compose(req -> req.send(new JsonObject().put("name", "bench").toBuffer()))
                .compose(resp -> resp.body()).map(b -> new JsonObject(b).getString("id"))
                .compose(id -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
                                .setURI("/v1/tenants/" + id + "/api-keys").putHeader("authorization", "Bearer " + adminToken))
                        .compose(req -> req.send()).compose(resp -> resp.body()))
                .map(b -> new JsonObject(b).getString("key"));
    }
}
