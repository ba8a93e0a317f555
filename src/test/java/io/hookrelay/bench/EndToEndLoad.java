package io.hookrelay.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end bench's load generator, a process of its own: closed-loop {@code POST /v1/events} over a
 * fixed number of keep-alive connections (each sends its next request when the previous one is answered), for
 * a warm-up and then a measured window. The same program, body and connections run against the service and
 * against the trivial server, so the ratio of the two rates is the service's share of what the client and the
 * machine allow.
 *
 * <pre>EndToEndLoad &lt;port&gt; &lt;connections&gt; &lt;warmup-seconds&gt; &lt;measure-seconds&gt; [api-key] [batch-size]</pre>
 *
 * With a batch size above 0 each request is a {@code POST /v1/events/batch} of that many such events, and
 * every count is of events (latencies stay per request).
 *
 * Prints {@code WINDOW <from-us> <to-us>} (wall clock, see {@link WallClock}) when it starts sending, and
 * {@code RESULT {json}} once every connection's last request has been answered; then exits.
 */
public final class EndToEndLoad {

    /** After the window, how long the requests still out may take before they are given up. */
    private static final int FINISH_SECONDS = 60;
    /** A failed request (refused, reset) is retried after this pause, so a dead server does not spin the loop. */
    private static final long ERROR_PAUSE_MS = 10;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int warmupSeconds = Integer.parseInt(args[2]);
        int measureSeconds = Integer.parseInt(args[3]);
        String key = args.length > 4 && !args[4].isEmpty() ? args[4] : null;
        int batch = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        BenchProcess.exitWithParent();

        Vertx vertx = Vertx.vertx();
        // One client per event loop, as a Vert.x application would run it, with the connections split among them.
        int loops = Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
        List<Loader> loaders = new CopyOnWriteArrayList<>();
        for (int i = 0; i < loops; i++) {
            int share = connections / loops + (i < connections % loops ? 1 : 0);
            Loader loader = new Loader(port, share, key, batch);
            vertx.deployVerticle(loader, new DeploymentOptions()).await(30, TimeUnit.SECONDS);
            loaders.add(loader);
        }
        long from = WallClock.micros() + TimeUnit.SECONDS.toMicros(warmupSeconds);
        long to = from + TimeUnit.SECONDS.toMicros(measureSeconds);
        System.out.println("WINDOW " + (from - TimeUnit.SECONDS.toMicros(warmupSeconds)) + " " + from + " " + to);
        List<Future<Void>> finished = new ArrayList<>();
        for (Loader loader : loaders) {
            Promise<Void> done = Promise.promise();
            loader.eventLoop.runOnContext(v -> loader.go(from, to, done));
            finished.add(done.future());
        }
        boolean complete = true;
        try {
            Future.all(finished).await(measureSeconds + warmupSeconds + FINISH_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            complete = false;
        }
        // Read on the loaders' own event loops, so their plain fields are seen as they left them.
        List<Future<Loader.Counts>> counts = new ArrayList<>();
        for (Loader loader : loaders) {
            Promise<Loader.Counts> snapshot = Promise.promise();
            loader.eventLoop.runOnContext(v -> snapshot.complete(loader.counts()));
            counts.add(snapshot.future());
        }
        List<Loader.Counts> all = new ArrayList<>();
        for (Future<Loader.Counts> c : counts) {
            all.add(c.await(10, TimeUnit.SECONDS));
        }
        System.out.println("RESULT " + result(all, from, to, measureSeconds, complete).encode());
        System.out.flush();
        vertx.close().await(10, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static JsonObject result(List<Loader.Counts> all, long from, long to, int measureSeconds, boolean complete) {
        long acceptedTotal = 0;
        long acceptedBeforeFrom = 0;
        long acceptedBeforeTo = 0;
        long acceptedSentInWindow = 0;
        long failed = 0;
        long lastAnswer = 0;
        long[] perSecond = new long[measureSeconds];
        Map<String, Long> statuses = new TreeMap<>();
        String firstFailure = null;
        int latencyCount = 0;
        for (Loader.Counts c : all) {
            latencyCount += c.latencyCount;
        }
        long[] latencies = new long[latencyCount];
        int n = 0;
        for (Loader.Counts c : all) {
            acceptedTotal += c.acceptedTotal;
            acceptedBeforeFrom += c.acceptedBeforeFrom;
            acceptedBeforeTo += c.acceptedBeforeTo;
            acceptedSentInWindow += c.acceptedSentInWindow;
            failed += c.failed;
            lastAnswer = Math.max(lastAnswer, c.lastAnswer);
            for (int i = 0; i < perSecond.length; i++) {
                perSecond[i] += c.perSecond[i];
            }
            c.statuses.forEach((status, count) -> statuses.merge(String.valueOf(status), count, Long::sum));
            if (firstFailure == null) {
                firstFailure = c.firstFailure;
            }
            System.arraycopy(c.latencies, 0, latencies, n, c.latencyCount);
            n += c.latencyCount;
        }
        Arrays.sort(latencies);
        DeliveryLatencies answered = DeliveryLatencies.ofSorted(latencies, 0);
        JsonArray seconds = new JsonArray();
        for (long s : perSecond) {
            seconds.add(s);
        }
        return new JsonObject()
                .put("from_us", from).put("to_us", to).put("complete", complete)
                .put("accepted_total", acceptedTotal)
                .put("accepted_before_from", acceptedBeforeFrom)
                .put("accepted_before_to", acceptedBeforeTo)
                .put("accepted_sent_in_window", acceptedSentInWindow)
                .put("accepted_per_second", seconds)
                .put("statuses", new JsonObject(new TreeMap<>(statuses)))
                .put("failed", failed).put("first_failure", firstFailure)
                .put("last_answer_us", lastAnswer)
                .put("answer_p50_ms", finite(answered.millis(0.50))).put("answer_p99_ms", finite(answered.millis(0.99)))
                .put("answer_max_ms", finite(answered.maxMillis()));
    }

    /** JSON has no NaN: an empty sample is null. */
    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /**
     * A few hundred bytes, an order as a shop would publish it. {@code sent_at_us} is the wall-clock time the
     * request is sent, which the receiver reads back from the delivered body for the event-to-delivery latency.
     */
    private static final String[] BODY = {
            "{\"type\":\"order.created\",\"data\":{\"order_id\":\"ord_",
            "\",\"sent_at_us\":",
            ",\"customer\":{\"id\":\"cus_8f3a2b\",\"email\":\"jane.doe@example.com\",\"name\":\"Jane Doe\"},"
                    + "\"currency\":\"EUR\",\"total\":129.9,\"lines\":[{\"sku\":\"A-1001\",\"name\":\"Espresso beans 1 kg\","
                    + "\"qty\":2,\"price\":24.95},{\"sku\":\"B-2002\",\"name\":\"Hand grinder\",\"qty\":1,\"price\":80.0}],"
                    + "\"shipping\":{\"method\":\"standard\",\"country\":\"DE\",\"postcode\":\"10115\"}}}"};

    private static final byte[][] BODY_BYTES = Arrays.stream(BODY).map(s -> s.getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);

    static Buffer body(long orderNumber, long sentMicros) {
        return Buffer.buffer(BODY_BYTES[0].length + BODY_BYTES[1].length + BODY_BYTES[2].length + 40)
                .appendBytes(BODY_BYTES[0]).appendString(Long.toString(orderNumber))
                .appendBytes(BODY_BYTES[1]).appendString(Long.toString(sentMicros))
                .appendBytes(BODY_BYTES[2]);
    }

    /** One event loop's share of the connections; all its state is touched on that event loop only. */
    private static final class Loader extends VerticleBase {

        record Counts(long acceptedTotal, long acceptedBeforeFrom, long acceptedBeforeTo, long acceptedSentInWindow,
                      long failed, long lastAnswer, long[] perSecond, Map<Integer, Long> statuses,
                      String firstFailure, long[] latencies, int latencyCount) {
        }

        private final int port;
        private final int connections;
        private final String key;
        private final int batch;
        private Context eventLoop;
        private HttpClient http;
        private RequestOptions request;
        private long from;
        private long to;
        private int running;
        private Promise<Void> done;
        private long orderNumber;
        private long acceptedTotal;
        private long acceptedBeforeFrom;
        private long acceptedBeforeTo;
        private long acceptedSentInWindow;
        private long failed;
        private long lastAnswer;
        private long[] perSecond;
        private final Map<Integer, Long> statuses = new TreeMap<>();
        private String firstFailure;
        private long[] latencies = new long[1 << 16];
        private int latencyCount;

        Loader(int port, int connections, String key, int batch) {
            this.port = port;
            this.connections = connections;
            this.key = key;
            this.batch = batch;
        }

        @Override
        public Future<?> start() {
            eventLoop = vertx.getOrCreateContext();
            http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                    .setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp1MaxSize(connections));
            request = new RequestOptions().setMethod(HttpMethod.POST).setURI(batch > 0 ? "/v1/events/batch" : "/v1/events")
                    .putHeader("content-type", "application/json");
            if (key != null) {
                request.putHeader("authorization", "Bearer " + key);
            }
            return Future.succeededFuture();
        }

        void go(long from, long to, Promise<Void> done) {
            this.from = from;
            this.to = to;
            this.done = done;
            this.perSecond = new long[(int) ((to - from) / 1_000_000L)];
            running = connections;
            for (int i = 0; i < connections; i++) {
                next();
            }
        }

        private void next() {
            long sent = WallClock.micros();
            if (sent >= to) {
                if (--running == 0) {
                    done.complete();
                }
                return;
            }
            Buffer body;
            if (batch > 0) {
                body = Buffer.buffer(batch * 400).appendString("{\"events\":[");
                for (int i = 0; i < batch; i++) {
                    body.appendString(i == 0 ? "" : ",").appendBuffer(body(++orderNumber, sent));
                }
                body.appendString("]}");
            } else {
                body = body(++orderNumber, sent);
            }
            http.request(request).compose(req -> req.send(body))
                    .compose(resp -> resp.body().map(b -> resp.statusCode()))
                    .onComplete(result -> {
                        long answered = WallClock.micros();
                        lastAnswer = Math.max(lastAnswer, answered);
                        if (result.succeeded()) {
                            statuses.merge(result.result(), 1L, Long::sum);
                            if (result.result() == 202) {
                                accepted(sent, answered);
                                next();
                                return;
                            }
                        } else {
                            failed++;
                            if (firstFailure == null) {
                                firstFailure = String.valueOf(result.cause());
                            }
                        }
                        vertx.setTimer(ERROR_PAUSE_MS, id -> next());
                    });
        }

        private void accepted(long sent, long answered) {
            int events = Math.max(1, batch);
            acceptedTotal += events;
            if (answered < from) {
                acceptedBeforeFrom += events;
            }
            if (answered < to) {
                acceptedBeforeTo += events;
                if (answered >= from) {
                    perSecond[(int) ((answered - from) / 1_000_000L)] += events;
                }
            }
            if (sent >= from && sent < to) {
                acceptedSentInWindow += events;
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = (answered - sent) * 1_000L;
            }
        }

        Counts counts() {
            return new Counts(acceptedTotal, acceptedBeforeFrom, acceptedBeforeTo, acceptedSentInWindow, failed,
                    lastAnswer, perSecond == null ? new long[0] : perSecond, Map.copyOf(statuses), firstFailure,
                    latencies, latencyCount);
        }
    }
}
