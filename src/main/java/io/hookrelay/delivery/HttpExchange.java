package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One webhook POST from address lookup to the last byte read. Whatever happens (a refused address,
 * DNS, connect or TLS failure, a reset, the deadline), it ends in exactly one {@link SendResult}.
 *
 * <p>It runs on one Vert.x context (see {@link WebhookHttpClient#send}); the result is still settled
 * with {@code tryComplete}, since the deadline and the answer race, and the fields it shares with the
 * timer are volatile so that holds even if Vert.x moves a callback to another thread.
 */
final class HttpExchange {

    /**
     * Bytes past the excerpt still read (and dropped) so the connection can go back to the pool;
     * a longer body is cut off by resetting the request, which closes the connection.
     */
    static final int MAX_DRAIN_BYTES = 64 * 1024;

    /** Headers the client owns: framing and connection management must match what it sends. */
    private static final Set<String> MANAGED_HEADERS = Set.of(
            "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te",
            "trailer", "proxy-connection", "user-agent");

    private final Vertx vertx;
    private final HttpClient client;
    private final HttpAddressResolver addresses;
    private final HttpSettings settings;
    private final OutboundRequest outbound;
    private final Promise<SendResult> outcome = Promise.promise();
    private volatile long startedNanos;
    private volatile HttpClientRequest request;
    private volatile int status;

    HttpExchange(Vertx vertx, HttpClient client, HttpAddressResolver addresses, HttpSettings settings,
            OutboundRequest outbound) {
        this.vertx = vertx;
        this.client = client;
        this.addresses = addresses;
        this.settings = settings;
        this.outbound = outbound;
    }

    Future<SendResult> run() {
        long timer = vertx.setTimer(settings.totalTimeoutMillis(), id -> onDeadline());
        outcome.future().onComplete(done -> vertx.cancelTimer(timer));
        try {
            HttpTarget target = HttpTarget.of(outbound.url());
            MultiMap headers = headers();
            addresses.addressFor(target)
                    .compose(address -> open(target, address, headers))
                    .onSuccess(this::send)
                    .onFailure(this::fail);
        } catch (RuntimeException e) {
            fail(e);
        }
        return outcome.future();
    }

    /** Gets a connection to the checked address, keeping the URL's host for the Host header and TLS SNI. */
    private Future<HttpClientRequest> open(HttpTarget target, InetAddress address, MultiMap headers) {
        if (outcome.future().isComplete()) {
            return Future.failedFuture(new HttpFailure("already finished"));
        }
        startedNanos = System.nanoTime();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.ssl())
                .setURI(target.requestUri())
                .setFollowRedirects(false)
                .setConnectTimeout(settings.connectTimeoutMillis())
                .setHeaders(headers);
        return client.request(options);
    }

    private void send(HttpClientRequest request) {
        this.request = request;
        if (outcome.future().isComplete()) {
            // The deadline passed while the connection was being set up: send nothing.
            request.reset();
            return;
        }
        request.send(outbound.body()).onSuccess(this::read).onFailure(this::fail);
    }

    private void read(HttpClientResponse response) {
        status = response.statusCode();
        Duration retryAfter = RetryAfter.parse(response.getHeader(HttpHeaders.RETRY_AFTER), Instant.now());
        HttpExcerpt excerpt = new HttpExcerpt(settings.maxExcerptBytes());
        response.handler(chunk -> {
            excerpt.append(chunk);
            if (excerpt.totalBytes() > (long) settings.maxExcerptBytes() + MAX_DRAIN_BYTES
                    && outcome.tryComplete(answer(excerpt, retryAfter))) {
                request.reset();
            }
        });
        response.exceptionHandler(e -> fail(HttpFailures.describe(e, settings.connectTimeoutMillis())
                + whileReadingBody()));
        response.endHandler(end -> outcome.tryComplete(answer(excerpt, retryAfter)));
    }

    private SendResult answer(HttpExcerpt excerpt, Duration retryAfter) {
        return new SendResult(status, null, excerpt.text(), elapsedMillis(), retryAfter);
    }

    private void onDeadline() {
        boolean expired = fail("timeout after " + settings.totalTimeoutMillis() + " ms" + whileReadingBody());
        HttpClientRequest current = request;
        if (expired && current != null) {
            // Closes the connection: it must not go back to the pool with an answer still coming.
            current.reset();
        }
    }

    /** Names the status when the failure came after it: it tells the receiver's owner a lot. */
    private String whileReadingBody() {
        int answered = status;
        return answered == 0 ? "" : " while reading the body of a " + answered + " response";
    }

    private void fail(Throwable failure) {
        fail(HttpFailures.describe(failure, settings.connectTimeoutMillis()));
    }

    private boolean fail(String error) {
        return outcome.tryComplete(SendResult.failure(error, elapsedMillis()));
    }

    /** Time since the exchange began after DNS; 0 when it never got that far. */
    private long elapsedMillis() {
        long started = startedNanos;
        return started == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** The caller's headers, minus the ones the client manages, plus our user-agent. */
    private MultiMap headers() {
        MultiMap headers = HttpHeaders.headers();
        for (Map.Entry<String, String> header : outbound.headers().entrySet()) {
            String name = header.getKey();
            if (name == null || header.getValue() == null || MANAGED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            try {
                headers.add(name, header.getValue());
            } catch (IllegalArgumentException e) {
                // Vert.x refuses control characters that would split the header; never echo the value.
                throw new HttpFailure(HttpFailures.clean("invalid request header '" + name + "'"));
            }
        }
        headers.set(HttpHeaders.USER_AGENT, settings.userAgent());
        return headers;
    }
}
