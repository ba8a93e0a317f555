package io.hookrelay.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling to compare deliveries with: a bare Vert.x HttpClient POSTing the same body and headers as a
 * real delivery to the same receiver, from N concurrent keep-alive requests, with no database, no signing
 * and no bookkeeping. Counts 200 answers completed inside the measured window.
 */
final class DeliveryPlainPosts {

    /** Set by the client from the request itself; copying them would duplicate or contradict them. */
    private static final Set<String> OWN_HEADERS = Set.of("host", "content-length", "connection", "transfer-encoding");

    record Result(long completed, long errors, double seconds, CpuAccount.Spent cpu) {
        double perSecond() {
            return completed / seconds;
        }
    }

    static Result run(Vertx vertx, int port, String path, MultiMap sampleHeaders, Buffer body, int concurrency,
                      int warmupSeconds, int seconds) throws Exception {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp1MaxSize(concurrency));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI(path);
        sampleHeaders.forEach((name, value) -> {
            if (!OWN_HEADERS.contains(name.toLowerCase())) {
                request.putHeader(name, value);
            }
        });
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        LongAdder completed = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicInteger running = new AtomicInteger(concurrency);
        Promise<Void> done = Promise.promise();
        // The machine's CPU over the measured window only, for comparing with a delivery run's.
        Promise<CpuAccount.Spent> cpu = Promise.promise();
        vertx.setTimer(TimeUnit.SECONDS.toMillis(warmupSeconds), id -> {
            CpuAccount.Snapshot cpuFrom = CpuAccount.snapshot(0);
            vertx.setTimer(TimeUnit.SECONDS.toMillis(seconds),
                    id2 -> cpu.complete(CpuAccount.between(cpuFrom, CpuAccount.snapshot(0))));
        });
        for (int i = 0; i < concurrency; i++) {
            loop(http, request, body, measureFrom, end, completed, errors, () -> {
                if (running.decrementAndGet() == 0) {
                    done.complete();
                }
            });
        }
        done.future().await(warmupSeconds + seconds + 60L, TimeUnit.SECONDS);
        http.close().await(10, TimeUnit.SECONDS);
        return new Result(completed.sum(), errors.sum(), seconds, cpu.future().await(10, TimeUnit.SECONDS));
    }

    private static void loop(HttpClient http, RequestOptions request, Buffer body, long measureFrom, long end,
                             LongAdder completed, LongAdder errors, Runnable finished) {
        if (System.nanoTime() >= end) {
            finished.run();
            return;
        }
        http.request(request).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(result -> {
                    long now = System.nanoTime();
                    if (now >= measureFrom && now < end) {
                        if (result.succeeded() && result.result() == 200) {
                            completed.increment();
                        } else {
                            errors.increment();
                        }
                    }
                    loop(http, request, body, measureFrom, end, completed, errors, finished);
                });
    }
}
