package io.hookrelay.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The webhook endpoints of the delivery benchmarks, inside the bench JVM: one or more loopback ports, each
 * served by one event loop per core, answering every path as told - 200 with an empty body, 500, or never.
 *
 * <p>Recording is kept cheap because in the throughput run the receiver must not be the bottleneck: a
 * counter per request always, and the first arrival of each (webhook-id, path) only when asked for.
 */
final class DeliveryReceiver implements AutoCloseable {

    enum Answer { OK, ERROR, HANG }

    /** One request as the service sent it, so the plain-POST baseline can send exactly the same bytes. */
    record Sample(String path, MultiMap headers, Buffer body) {
    }

    /**
     * Told of every request with its body, before it is answered, by a receiver that keeps more than first
     * arrivals (the end-to-end bench's own process). Called on the event loops, concurrently.
     */
    interface Recorder {
        void arrived(String path, String webhookId, Buffer body, long arrivedEpochMicros);
    }

    private final Vertx vertx;
    private final Function<String, Answer> answers;
    private final Recorder recorder;
    private final int[] ports;
    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> requestsByPath = new ConcurrentHashMap<>();
    private final Map<String, Long> firstArrivals = new ConcurrentHashMap<>();
    private final AtomicReference<Sample> sample = new AtomicReference<>();
    private volatile boolean recordArrivals;
    private String deployment;

    private DeliveryReceiver(Vertx vertx, int portCount, Function<String, Answer> answers, Recorder recorder)
            throws IOException {
        this.vertx = vertx;
        this.answers = answers;
        this.recorder = recorder;
        this.ports = new int[portCount];
        for (int i = 0; i < portCount; i++) {
            ports[i] = freePort();
        }
    }

    /** Listens on {@code portCount} loopback ports; {@code answers} maps a request path to how it is answered. */
    static DeliveryReceiver start(Vertx vertx, int portCount, Function<String, Answer> answers) throws Exception {
        return start(vertx, portCount, answers, null);
    }

    /** As above, with every request also handed to {@code recorder}, body included. */
    static DeliveryReceiver start(Vertx vertx, int portCount, Function<String, Answer> answers, Recorder recorder)
            throws Exception {
        DeliveryReceiver receiver = new DeliveryReceiver(vertx, portCount, answers, recorder);
        // One instance per core: the servers share each port, so the connections spread over the event loops.
        receiver.deployment = vertx.deployVerticle(() -> receiver.new Endpoints(),
                        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .await(30, TimeUnit.SECONDS);
        return receiver;
    }

    String url(int portIndex, String path) {
        return "http://127.0.0.1:" + ports[portIndex] + path;
    }

    int port(int portIndex) {
        return ports[portIndex];
    }

    /** Starts (or stops) keeping the arrival time of the first request per (webhook-id, path). */
    void recordArrivals(boolean on) {
        recordArrivals = on;
    }

    /** System.nanoTime() at which the request for this event first reached this path, or null. */
    Long firstArrival(String eventId, String path) {
        return firstArrivals.get(key(eventId, path));
    }

    long requests() {
        return requests.sum();
    }

    long requests(String path) {
        LongAdder count = requestsByPath.get(path);
        return count == null ? 0 : count.sum();
    }

    Sample sample() {
        return sample.get();
    }

    void reset() {
        requests.reset();
        requestsByPath.clear();
        firstArrivals.clear();
    }

    @Override
    public void close() throws Exception {
        if (deployment != null) {
            // Closing the servers also drops the connections of requests that were never answered.
            vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
            deployment = null;
        }
    }

    private void handle(HttpServerRequest request) {
        long arrived = System.nanoTime();
        String path = request.path();
        requests.increment();
        LongAdder perPath = requestsByPath.get(path);
        if (perPath == null) {
            perPath = requestsByPath.computeIfAbsent(path, p -> new LongAdder());
        }
        perPath.increment();
        if (recordArrivals) {
            String id = request.getHeader("webhook-id");
            if (id != null) {
                firstArrivals.putIfAbsent(key(id, path), arrived);
            }
        }
        if (recorder != null) {
            long arrivedMicros = WallClock.micros();
            String id = request.getHeader("webhook-id");
            Answer answer = answers.apply(path);
            request.body().onSuccess(body -> {
                // Answered before the bookkeeping, so what the recorder does never shows in the service's timings.
                if (answer != Answer.HANG) {
                    request.response().setStatusCode(answer == Answer.OK ? 200 : 500).end();
                }
                recorder.arrived(path, id, body, arrivedMicros);
            });
            return;
        }
        Answer answer = answers.apply(path);
        if (answer == Answer.HANG) {
            return; // never answered: the service's delivery timeout, or close(), ends it
        }
        int status = answer == Answer.OK ? 200 : 500;
        if (answer == Answer.OK && sample.get() == null) {
            request.body().onSuccess(body -> {
                sample.compareAndSet(null, new Sample(path, MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
                request.response().setStatusCode(status).end();
            });
            return;
        }
        // The body is read and dropped; answering after it ends keeps the connection reusable.
        request.end().onComplete(ended -> request.response().setStatusCode(status).end());
    }

    private static String key(String eventId, String path) {
        return eventId + ' ' + path;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** One event loop's share of every port. */
    private final class Endpoints extends VerticleBase {
        @Override
        public Future<?> start() {
            List<Future<?>> listening = new ArrayList<>();
            for (int port : ports) {
                listening.add(vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                        .requestHandler(DeliveryReceiver.this::handle)
                        .listen(port, "127.0.0.1"));
            }
            return Future.all(listening);
        }
    }
}
