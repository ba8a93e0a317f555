package io.hookrelay.delivery;

import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.TrustOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Sends webhook POSTs to subscriber endpoints, safely.
 *
 * <ul>
 *   <li>Every host is resolved here and each address checked with
 *       {@link TargetUrlPolicy#isAllowedAddress}; the connection then goes to that checked address,
 *       while the Host header and TLS SNI/hostname verification keep the URL's name. A DNS answer
 *       that changes between check and connect therefore cannot steer a webhook inside.
 *   <li>Redirects are not followed: a 3xx is just the answer.
 *   <li>A connect timeout and a total deadline bound each send; at the deadline the request is
 *       reset, which closes its connection.
 *   <li>At most {@code maxResponseExcerptBytes} of a response body is kept; a little more is read
 *       and dropped so the connection can be reused, and a body longer than that is cut off.
 *   <li>Connections are kept alive and pooled per endpoint (address and host name), up to
 *       {@code maxConnectionsPerEndpoint} each. The caller bounds how many sends it keeps in flight per
 *       subscription and in all, so the pool is sized not to add a tighter limit of its own: with 16,
 *       a subscription allowed 256 requests at once got 16, and subscriptions sharing a host shared 16.
 * </ul>
 *
 * Headers go out exactly as given plus {@code user-agent}, {@code host} and {@code content-length};
 * given headers that the client must own (host, content-length, transfer-encoding, connection,
 * user-agent and the other hop-by-hop ones) are ignored. No compression is offered or applied.
 */
public final class WebhookHttpClient implements AutoCloseable {

    /**
     * Idle pooled connections are closed after this long. Many servers drop idle keep-alive
     * connections after 5 s (Node.js, Apache); closing ours first avoids sending on a connection
     * the receiver is closing at that moment.
     */
    static final int KEEP_ALIVE_SECONDS = 4;

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final HttpAddressResolver addresses;
    private final HttpSettings settings;
    private volatile boolean closed;

    public WebhookHttpClient(Vertx vertx, TargetUrlPolicy targets, Duration connectTimeout, Duration totalTimeout,
            int maxResponseExcerptBytes, String userAgent, int maxConnectionsPerEndpoint) {
        this(vertx, targets, connectTimeout, totalTimeout, maxResponseExcerptBytes, userAgent,
                maxConnectionsPerEndpoint, InetAddress::getAllByName, null);
    }

    /**
     * For tests: a resolver instead of the system DNS, and trust anchors (null means the JDK's)
     * for receivers with test certificates.
     */
    WebhookHttpClient(Vertx vertx, TargetUrlPolicy targets, Duration connectTimeout, Duration totalTimeout,
            int maxResponseExcerptBytes, String userAgent, int maxConnectionsPerEndpoint,
            TargetUrlPolicy.Resolver resolver, TrustOptions trust) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(resolver, "resolver");
        if (maxResponseExcerptBytes < 0) {
            throw new IllegalArgumentException("maxResponseExcerptBytes must not be negative");
        }
        // Validated now, so a bad value fails at startup rather than on every send.
        HttpHeaders.headers().set(HttpHeaders.USER_AGENT, Objects.requireNonNull(userAgent, "userAgent"));
        this.settings = new HttpSettings(positiveMillis(connectTimeout, "connectTimeout"),
                positiveMillis(totalTimeout, "totalTimeout"), maxResponseExcerptBytes, userAgent);
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setPipelining(false)
                .setDecompressionSupported(false)
                .setForceSni(true)
                .setVerifyHost(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeoutMillis()))
                .setSslHandshakeTimeout(settings.connectTimeoutMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        if (trust != null) {
            options.setTrustOptions(trust);
        }
        this.client = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(maxConnectionsPerEndpoint))
                // A receiver resetting a connection is an outcome its exchange already reports;
                // without a handler Vert.x would also log every such reset as an error.
                .withConnectHandler(connection -> connection.exceptionHandler(failure -> { }))
                .build();
        this.addresses = new HttpAddressResolver(vertx, targets, resolver);
    }

    /**
     * POSTs the request. Never fails: every problem (DNS, a refused address, connect or total
     * timeout, reset, TLS) is described in the result.
     */
    public Future<SendResult> send(OutboundRequest request) {
        if (closed) {
            return Future.succeededFuture(SendResult.failure("client closed", 0));
        }
        try {
            // The exchange runs on the caller's context (a fresh one for a caller off Vert.x) and
            // reports back on it. Vert.x delivers a response body on the context of its request,
            // so the body handlers must be set on that thread before it can deliver anything;
            // from a foreign thread the body could arrive, unseen, before the handlers exist.
            Context context = vertx.getOrCreateContext();
            Promise<SendResult> result = Promise.promise();
            HttpContexts.runOn(context, () -> start(request).onComplete(done -> HttpContexts.runOn(context,
                    () -> result.complete(done.succeeded() ? done.result() : failure(done.cause())))));
            return result.future();
        } catch (RuntimeException e) {
            return Future.succeededFuture(failure(e));
        }
    }

    private Future<SendResult> start(OutboundRequest request) {
        try {
            return new HttpExchange(vertx, client, addresses, settings, request).run();
        } catch (RuntimeException e) {
            // For instance a closed Vert.x refusing the timer; still an answer, not an exception.
            return Future.succeededFuture(failure(e));
        }
    }

    private SendResult failure(Throwable e) {
        return SendResult.failure(HttpFailures.describe(e, settings.connectTimeoutMillis()), 0);
    }

    @Override
    public void close() {
        closed = true;
        client.close();
        addresses.close();
    }

    private static long positiveMillis(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
        // Vert.x timers need at least 1 ms.
        return Math.max(1, duration.toMillis());
    }
}
