package io.hookrelay.source.poll;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 playing the polled resources, one per path. Each resource answers
 * as a test tells it to and remembers what it was asked.
 */
final class FakeResources implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    private final AtomicInteger names = new AtomicInteger();

    FakeResources(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> {
            Resource resource = resources.get(request.path());
            if (resource == null) {
                request.response().setStatusCode(404).end();
            } else {
                resource.handle(request);
            }
        });
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** A new resource at its own path; it serves {@code {}} until told otherwise. */
    Resource resource() {
        String path = "/resource-" + names.incrementAndGet();
        Resource resource = new Resource(path);
        resources.put(path, resource);
        return resource;
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }

    /** How a resource answers one request. */
    @FunctionalInterface
    interface Answer {
        void respond(HttpServerRequest request);
    }

    final class Resource {

        private final String path;
        private final List<MultiMap> requests = new CopyOnWriteArrayList<>();
        private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger maxInFlight = new AtomicInteger();
        private volatile Answer answer = json("{}");
        private volatile long delayMs;
        private volatile boolean holding;
        private volatile Context context;

        private Resource(String path) {
            this.path = path;
        }

        String url() {
            return "http://127.0.0.1:" + port() + path;
        }

        String path() {
            return path;
        }

        /** Serves this JSON text with an ETag derived from it, and answers 304 to a matching If-None-Match. */
        Resource serveJson(String body) {
            answer = json(body);
            return this;
        }

        Resource serveJson(Object body) {
            return serveJson(Json.encode(body));
        }

        /** Serves this JSON text with a fresh ETag every time and ignores validators, like a server without caching. */
        Resource serveJsonWithoutValidators(String body) {
            AtomicInteger counter = new AtomicInteger();
            answer = request -> request.response()
                    .putHeader("content-type", "application/json")
                    .putHeader("etag", "\"v" + counter.incrementAndGet() + "\"")
                    .end(body);
            return this;
        }

        Resource serve(Answer custom) {
            answer = custom;
            return this;
        }

        /** Answers every request after this long. */
        Resource delay(long millis) {
            delayMs = millis;
            return this;
        }

        /** Keeps requests waiting until {@link #release()}. */
        Resource hold() {
            holding = true;
            return this;
        }

        void release() {
            holding = false;
            Context on = context;
            for (HttpServerRequest request : held) {
                on.runOnContext(v -> finish(request));
            }
        }

        /** Header snapshots of every request received, oldest first. */
        List<MultiMap> requests() {
            return requests;
        }

        int requestCount() {
            return requests.size();
        }

        int heldCount() {
            return held.size();
        }

        /** The most requests this resource ever had open at the same time. */
        int maxConcurrentRequests() {
            return maxInFlight.get();
        }

        private void handle(HttpServerRequest request) {
            context = Vertx.currentContext();
            requests.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            // A request is over when its response is done, or when the client gives up (timeout, size cap)
            // and closes the connection first; whichever comes first counts.
            AtomicBoolean over = new AtomicBoolean();
            Runnable done = () -> {
                if (over.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                    held.remove(request);
                }
            };
            request.response().endHandler(v -> done.run());
            request.response().closeHandler(v -> done.run());
            if (holding) {
                held.add(request);
            } else if (delayMs > 0) {
                context.owner().setTimer(delayMs, id -> finish(request));
            } else {
                finish(request);
            }
        }

        private void finish(HttpServerRequest request) {
            if (!request.response().closed()) {
                answer.respond(request);
            }
        }
    }

    static final String LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

    static Answer json(String body) {
        String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
        return request -> {
            if (etag.equals(request.getHeader("if-none-match"))) {
                request.response().setStatusCode(304).putHeader("etag", etag).end();
            } else {
                request.response().putHeader("content-type", "application/json").putHeader("etag", etag)
                        .putHeader("last-modified", LAST_MODIFIED).end(body);
            }
        };
    }

    static Answer status(int code, String contentType, String body) {
        return request -> request.response().setStatusCode(code).putHeader("content-type", contentType).end(body);
    }

    /** Never answers: the client has to give up by itself. */
    static Answer silence() {
        return request -> {
        };
    }
}
