package io.hookrelay.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A real webhook receiver on loopback: records every request and answers as its {@link Behaviour} says
 * (succeed, fail, hang, answer 410 or 429 with Retry-After, reset the connection, answer slowly).
 */
public final class Receiver implements AutoCloseable {

    public record Received(MultiMap headers, Buffer body, Instant at) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** Decides the answer to the n-th request (1-based). */
    @FunctionalInterface
    public interface Behaviour {
        void answer(int n, HttpServerRequest request, Vertx vertx);
    }

    public static Behaviour status(int status) {
        return (n, request, vertx) -> request.response().setStatusCode(status).end("status " + status);
    }

    public static Behaviour failTimesThenSucceed(int failures, int status) {
        return (n, request, vertx) -> request.response().setStatusCode(n <= failures ? status : 200).end("n=" + n);
    }

    public static Behaviour hang() {
        return (n, request, vertx) -> { };
    }

    public static Behaviour retryAfter(int status, int seconds, int times) {
        return (n, request, vertx) -> {
            if (n <= times) {
                request.response().setStatusCode(status).putHeader("retry-after", Integer.toString(seconds)).end();
            } else {
                request.response().setStatusCode(204).end();
            }
        };
    }

    public static Behaviour resetThenSucceed(int resets) {
        return (n, request, vertx) -> {
            if (n <= resets) {
                request.connection().close();
            } else {
                request.response().setStatusCode(200).end();
            }
        };
    }

    public static Behaviour slow(long millis) {
        return (n, request, vertx) -> vertx.setTimer(millis, id -> request.response().setStatusCode(200).end());
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile Behaviour behaviour;

    private Receiver(Vertx vertx, Behaviour behaviour) throws Exception {
        this.vertx = vertx;
        this.behaviour = behaviour;
        this.server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            received.add(new Received(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body, Instant.now()));
            this.behaviour.answer(count.incrementAndGet(), request, vertx);
        }));
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    public static Receiver start(Vertx vertx, Behaviour behaviour) throws Exception {
        return new Receiver(vertx, behaviour);
    }

    public void behave(Behaviour next) {
        this.behaviour = next;
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/hooks";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }

    /** Polls a condition until it holds or the deadline passes; never a blind sleep. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
