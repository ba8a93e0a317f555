package io.hookrelay.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookHttpClientTest {

    private static final String USER_AGENT = "Hookrelay-Test/1.0";
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration TOTAL = Duration.ofSeconds(10);
    private static final int EXCERPT = 4096;
    private static final long AWAIT_SECONDS = 20;
    /** Fewer than the 50 concurrent sends of concurrentSendsShareConnections, so its bound is the pool's. */
    private static final int CONNECTIONS = 16;

    /** What a receiver saw of one request. */
    private record Received(String method, String uri, MultiMap headers, Buffer body, String serverName) {}

    /** Made once: generating a key pair is slow. */
    private static SelfSignedCertificate certificate;

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<WebhookHttpClient> clients = new ArrayList<>();
    private Vertx vertx;

    @BeforeAll
    static void makeCertificate() {
        certificate = SelfSignedCertificate.create("receiver.test");
    }

    @AfterAll
    static void deleteCertificate() {
        certificate.delete();
    }

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stopVertx() throws Exception {
        clients.forEach(WebhookHttpClient::close);
        vertx.close().await(AWAIT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- answers

    @Test
    @DisplayName("a 2xx answer comes back with its excerpt, and the receiver gets exactly the given headers and body bytes")
    void success() throws Exception {
        int port = receiver(answer(202, "accepted"));
        byte[] body = "{\"amount\":\"12 €\",\"raw\":\"\0\"}".getBytes(UTF_8);

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/hooks/in?tenant=a%20b",
                Map.of("content-type", "application/json", "webhook-id", "msg_1"), Buffer.buffer(body));

        assertEquals(new SendResult(202, null, "accepted", result.durationMillis(), null), result);
        assertTrue(result.succeeded());
        Received request = takeRequest();
        assertEquals("POST", request.method());
        assertEquals("/hooks/in?tenant=a%20b", request.uri());
        assertArrayEquals(body, request.body().getBytes());
        assertEquals(Set.of("content-type", "webhook-id", "user-agent", "host", "content-length"),
                names(request.headers()));
        assertEquals("application/json", request.headers().get("content-type"));
        assertEquals("msg_1", request.headers().get("webhook-id"));
        assertEquals(USER_AGENT, request.headers().get("user-agent"));
        assertEquals("127.0.0.1:" + port, request.headers().get("host"));
        assertEquals(String.valueOf(body.length), request.headers().get("content-length"));
    }

    @Test
    @DisplayName("headers the client owns (host, content-length, connection, user-agent, ...) cannot be overridden")
    void managedHeadersIgnored() throws Exception {
        int port = receiver(answer(200, ""));

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/",
                Map.of("Host", "evil.example", "Content-Length", "999", "Transfer-Encoding", "chunked",
                        "Connection", "close", "User-Agent", "spoofed", "X-Custom", "kept"),
                Buffer.buffer("{}"));

        assertEquals(200, result.statusCode());
        Received request = takeRequest();
        assertEquals(Set.of("x-custom", "user-agent", "host", "content-length"), names(request.headers()));
        assertEquals("127.0.0.1:" + port, request.headers().get("host"));
        assertEquals("2", request.headers().get("content-length"));
        assertEquals(USER_AGENT, request.headers().get("user-agent"));
        assertEquals("{}", request.body().toString(UTF_8));
    }

    @ParameterizedTest
    @ValueSource(ints = {410, 500})
    @DisplayName("an error status is an answer: reported with its excerpt and no error text")
    void errorStatuses(int status) throws Exception {
        int port = receiver(answer(status, "status " + status));

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        assertEquals(new SendResult(status, null, "status " + status, result.durationMillis(), null), result);
        assertFalse(result.succeeded());
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    @DisplayName("a redirect is reported as it is and not followed")
    void redirectNotFollowed(int status) throws Exception {
        AtomicInteger followed = new AtomicInteger();
        int port = receiver(request -> {
            if (request.path().equals("/new")) {
                followed.incrementAndGet();
                request.response().end("moved here");
            } else {
                request.response().setStatusCode(status).putHeader("location", "/new").end("see /new");
            }
        });

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/old", Map.of(), Buffer.buffer("{}"));

        assertEquals(new SendResult(status, null, "see /new", result.durationMillis(), null), result);
        assertEquals(0, followed.get());
    }

    @Test
    @DisplayName("Retry-After is read from delta-seconds and from an HTTP-date, and is null when absent")
    void retryAfter() throws Exception {
        String inNinetySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.now().plusSeconds(90).atOffset(ZoneOffset.UTC));
        int port = receiver(request -> {
            HttpServerResponse response = request.response();
            switch (request.path()) {
                case "/seconds" -> response.setStatusCode(429).putHeader("retry-after", "120").end();
                case "/date" -> response.setStatusCode(503).putHeader("retry-after", inNinetySeconds).end();
                default -> response.end();
            }
        });
        WebhookHttpClient client = client(true);

        SendResult seconds = send(client, "http://127.0.0.1:" + port + "/seconds", Map.of(), Buffer.buffer());
        SendResult date = send(client, "http://127.0.0.1:" + port + "/date", Map.of(), Buffer.buffer());
        SendResult none = send(client, "http://127.0.0.1:" + port + "/none", Map.of(), Buffer.buffer());

        assertEquals(429, seconds.statusCode(), seconds::toString);
        assertEquals(Duration.ofSeconds(120), seconds.retryAfter());
        assertEquals(503, date.statusCode(), date::toString);
        assertTrue(date.retryAfter().compareTo(Duration.ofSeconds(80)) >= 0
                && date.retryAfter().compareTo(Duration.ofSeconds(90)) <= 0, date.retryAfter()::toString);
        assertNull(none.retryAfter());
    }

    // ---- bodies

    @Test
    @DisplayName("a 10 MiB answer yields an excerpt of exactly the first 4096 bytes, and the rest is not read")
    void bigBodyExcerpt() throws Exception {
        byte[] big = new byte[10 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        AtomicBoolean closed = new AtomicBoolean();
        int port = receiver(request -> {
            request.connection().closeHandler(v -> closed.set(true));
            request.response().end(Buffer.buffer(big));
        });

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        assertEquals(200, result.statusCode());
        assertNull(result.error());
        assertEquals(new String(big, 0, EXCERPT, UTF_8), result.responseExcerpt());
        awaitTrue(closed::get, "the connection to be closed instead of read to the end");
    }

    @Test
    @DisplayName("one send after another reuses a single connection and reads every body to its end")
    void sequentialSendsKeepTheConnection() throws Exception {
        // A little longer than the excerpt: drained, so the connection stays usable.
        String body = "y".repeat(3 * EXCERPT);
        int port = receiver(answer(200, body));
        WebhookHttpClient client = client(true);

        for (int i = 0; i < 100; i++) {
            SendResult result = send(client, "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));
            assertEquals(new SendResult(200, null, body.substring(0, EXCERPT), result.durationMillis(), null), result,
                    "send " + i);
        }

        assertEquals(1, connections.get());
    }

    @Test
    @DisplayName("an endless answer is cut off after the excerpt, long before the deadline")
    void endlessBody() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        Buffer chunk = Buffer.buffer("x".repeat(16 * 1024));
        int port = receiver(request -> {
            HttpServerResponse response = request.response().setChunked(true);
            response.closeHandler(v -> closed.set(true));
            pump(response, chunk, closed);
        });
        long started = System.nanoTime();

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(200, result.statusCode());
        assertNull(result.error());
        assertEquals("x".repeat(EXCERPT), result.responseExcerpt());
        assertTrue(tookMillis < TOTAL.toMillis() / 2, "took " + tookMillis + " ms");
        awaitTrue(closed::get, "the receiver's connection to be closed");
    }

    /** Writes chunks as fast as the client reads them, until the connection closes. */
    private static void pump(HttpServerResponse response, Buffer chunk, AtomicBoolean closed) {
        while (!closed.get() && !response.writeQueueFull()) {
            response.write(chunk);
        }
        if (!closed.get()) {
            response.drainHandler(v -> pump(response, chunk, closed));
        }
    }

    @Test
    @DisplayName("a bad UTF-8 byte in the excerpt becomes a replacement character")
    void badUtf8InExcerpt() throws Exception {
        int port = receiver(request -> request.response().end(Buffer.buffer(new byte[] {'o', 'k', (byte) 0xff, '!'})));

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer());

        assertEquals("ok\uFFFD!", result.responseExcerpt());
    }

    // ---- failures

    @Test
    @DisplayName("a receiver that never answers is abandoned at the total deadline and its connection closed")
    void totalTimeout() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        int port = receiver(request -> request.connection().closeHandler(v -> closed.set(true)));
        WebhookHttpClient client = client(new TargetUrlPolicy(true), Duration.ofMillis(500));
        long started = System.nanoTime();

        SendResult result = send(client, "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(0, result.statusCode());
        assertEquals("timeout after 500 ms", result.error());
        assertNull(result.responseExcerpt());
        assertTrue(result.durationMillis() >= 450 && result.durationMillis() < 1500, result.durationMillis() + " ms");
        assertTrue(tookMillis >= 450 && tookMillis < 2000, "took " + tookMillis + " ms");
        awaitTrue(closed::get, "the receiver's connection to be closed");
    }

    @Test
    @DisplayName("a body that stops arriving hits the deadline too, and the error names the status that did arrive")
    void stalledBody() throws Exception {
        int port = receiver(request -> request.response().putHeader("content-length", "1000").write("a little"));
        WebhookHttpClient client = client(new TargetUrlPolicy(true), Duration.ofMillis(500));

        SendResult result = send(client, "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        assertEquals(SendResult.failure("timeout after 500 ms while reading the body of a 200 response",
                result.durationMillis()), result);
    }

    @Test
    @DisplayName("a DNS lookup that hangs counts against the total deadline")
    void slowDns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TargetUrlPolicy.Resolver hanging = host -> {
            try {
                release.await(AWAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        };
        WebhookHttpClient client = client(new TargetUrlPolicy(true), Duration.ofMillis(300), hanging, null);

        try {
            SendResult result = send(client, "http://slow.example/", Map.of(), Buffer.buffer("{}"));

            assertEquals(SendResult.failure("timeout after 300 ms", 0), result);
        } finally {
            release.countDown();
        }
    }

    @Test
    @DisplayName("a port nobody listens on gives 'connection refused'")
    void connectionRefused() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        assertEquals(SendResult.failure("connection refused", result.durationMillis()), result);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @DisplayName("a receiver that drops the connection mid-request (closed or reset) gives an error, not an exception")
    void droppedConnection(boolean reset) throws Exception {
        // SO_LINGER 0 turns the close into a TCP reset.
        NetServer server = vertx.createNetServer(new NetServerOptions().setSoLinger(reset ? 0 : -1))
                .connectHandler(socket -> socket.handler(data -> socket.close()));
        int port = server.listen(0, "127.0.0.1").await(AWAIT_SECONDS, TimeUnit.SECONDS).actualPort();

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        assertEquals(0, result.statusCode());
        assertTrue(Set.of("connection reset", "connection closed by the receiver").contains(result.error()),
                result.error());
    }

    @Test
    @DisplayName("a connection dropped in the middle of the answer's body is an error that names the status")
    void droppedMidBody() throws Exception {
        int port = receiver(request -> {
            HttpServerResponse response = request.response().putHeader("content-length", "1000");
            response.write("only a little").onComplete(v -> request.connection().close());
        });

        SendResult result = send(client(true), "http://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer("{}"));

        assertEquals(0, result.statusCode());
        assertEquals("connection closed by the receiver while reading the body of a 200 response", result.error());
    }

    @Test
    @DisplayName("an unknown host gives a DNS error")
    void unknownHost() throws Exception {
        TargetUrlPolicy.Resolver nothing = host -> {
            throw new UnknownHostException(host);
        };
        WebhookHttpClient client = client(new TargetUrlPolicy(true), TOTAL, nothing, null);

        SendResult result = send(client, "http://nowhere.example/", Map.of(), Buffer.buffer("{}"));

        assertEquals(SendResult.failure("DNS: no such host nowhere.example", 0), result);
    }

    @Test
    @DisplayName("a URL that is not http(s) and a header value with a line break are described, not thrown")
    void unusableInput() throws Exception {
        int port = receiver(answer(200, "ok"));
        WebhookHttpClient client = client(true);

        SendResult ftp = send(client, "ftp://127.0.0.1:" + port + "/", Map.of(), Buffer.buffer());
        SendResult header = send(client, "http://127.0.0.1:" + port + "/",
                Map.of("x-bad", "a\r\nx-injected: 1"), Buffer.buffer());

        assertEquals("invalid URL: the scheme must be http or https", ftp.error());
        assertEquals("invalid request header 'x-bad'", header.error());
        assertEquals(0, received.size());
    }

    // ---- where requests go

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost"})
    @DisplayName("without private targets, loopback receivers are refused at send time and see no connection")
    void privateTargetsRefused(String host) throws Exception {
        int port = receiver(answer(200, "ok"));

        SendResult result = send(client(false), "http://" + host + ":" + port + "/", Map.of(), Buffer.buffer("{}"));

        String expected = host.equals("localhost")
                ? "refused: localhost resolves to a private address"
                : "refused: 127.0.0.1 is a private address";
        assertEquals(SendResult.failure(expected, 0), result);
        assertEquals(0, connections.get());
    }

    @Test
    @DisplayName("a public-looking name that resolves to loopback at send time is refused (DNS rebinding)")
    void rebindingRefused() throws Exception {
        int port = receiver(answer(200, "ok"));
        WebhookHttpClient client = client(new TargetUrlPolicy(false), TOTAL, dns("hooks.example.com"), null);

        SendResult result = send(client, "http://hooks.example.com:" + port + "/", Map.of(), Buffer.buffer("{}"));

        assertEquals("refused: hooks.example.com resolves to a private address", result.error());
        assertEquals(0, connections.get());
    }

    @Test
    @DisplayName("the client connects to the address it resolved but keeps the URL's name in the Host header, and caches the lookup")
    void connectsToCheckedAddressByName() throws Exception {
        int port = receiver(answer(200, "ok"));
        AtomicInteger lookups = new AtomicInteger();
        TargetUrlPolicy.Resolver resolver = host -> {
            lookups.incrementAndGet();
            return dns("receiver.test").resolve(host);
        };
        WebhookHttpClient client = client(new TargetUrlPolicy(true), TOTAL, resolver, null);

        for (int i = 0; i < 3; i++) {
            assertEquals(200, send(client, "http://receiver.test:" + port + "/", Map.of(), Buffer.buffer()).statusCode());
        }

        assertEquals("receiver.test:" + port, takeRequest().headers().get("host"));
        assertEquals(1, lookups.get());
    }

    @Test
    @DisplayName("TLS goes to the resolved address with the URL's name as SNI, and an untrusted certificate is a TLS error")
    void tlsUsesTheHostName() throws Exception {
        HttpServerOptions tls = new HttpServerOptions().setSsl(true).setSni(true)
                .setKeyCertOptions(certificate.keyCertOptions());
        int port = receiver(tls, answer(200, "secure"));
        TargetUrlPolicy lenient = new TargetUrlPolicy(true);
        String url = "https://receiver.test:" + port + "/";

        SendResult untrusted = send(client(lenient, TOTAL, dns("receiver.test"), null), url, Map.of(), Buffer.buffer());
        SendResult trusted = send(client(lenient, TOTAL, dns("receiver.test"), certificate.trustOptions()), url,
                Map.of(), Buffer.buffer());

        assertEquals(0, untrusted.statusCode());
        assertTrue(untrusted.error().startsWith("TLS: "), untrusted.error());
        assertEquals(new SendResult(200, null, "secure", trusted.durationMillis(), null), trusted);
        Received request = takeRequest();
        assertEquals("receiver.test", request.serverName());
        assertEquals("receiver.test:" + port, request.headers().get("host"));
        assertEquals(0, received.size());
    }

    @Test
    @DisplayName("the certificate is checked against the URL's name, not the address connected to")
    void tlsVerifiesTheHostName() throws Exception {
        int port = receiver(new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()),
                answer(200, "secure"));
        WebhookHttpClient client = client(new TargetUrlPolicy(true), TOTAL, dns("receiver.test", "impostor.test"),
                certificate.trustOptions());

        SendResult result = send(client, "https://impostor.test:" + port + "/", Map.of(), Buffer.buffer());

        assertEquals(0, result.statusCode());
        assertTrue(result.error().startsWith("TLS: ") && result.error().contains("impostor.test"), result.error());
        assertEquals(0, received.size());
    }

    @Test
    @DisplayName("each caller gets its result on its own Vert.x context, even when it reuses another's DNS lookup")
    void resultsComeBackOnTheCallersContext() throws Exception {
        int port = receiver(answer(200, "ok"));
        WebhookHttpClient client = client(new TargetUrlPolicy(true), TOTAL, dns("receiver.test"), null);
        String url = "http://receiver.test:" + port + "/";

        for (int i = 0; i < 2; i++) {
            Context caller = vertx.getOrCreateContext();
            Promise<Boolean> onCaller = Promise.promise();
            caller.runOnContext(v -> client.send(new OutboundRequest(URI.create(url), Map.of(), Buffer.buffer()))
                    .onComplete(done -> onCaller.complete(done.succeeded() && done.result().succeeded()
                            && Vertx.currentContext() == caller)));
            assertTrue(onCaller.future().await(AWAIT_SECONDS, TimeUnit.SECONDS), "send " + i);
        }
    }

    @Test
    @DisplayName("50 concurrent sends to one receiver all succeed over a bounded set of reused connections")
    void concurrentSendsShareConnections() throws Exception {
        int port = receiver(request -> vertx.setTimer(20, t -> request.response().end("ok")));
        WebhookHttpClient client = client(true);
        String url = "http://127.0.0.1:" + port + "/";

        for (int round = 0; round < 2; round++) {
            List<Future<SendResult>> sends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sends.add(client.send(new OutboundRequest(URI.create(url), Map.of("n", "" + i), Buffer.buffer("{}"))));
            }
            Future.all(sends).await(AWAIT_SECONDS, TimeUnit.SECONDS);
            for (Future<SendResult> send : sends) {
                assertTrue(send.result().succeeded(), send.result()::toString);
            }
        }

        assertEquals(100, received.size());
        assertTrue(connections.get() <= CONNECTIONS,
                connections.get() + " connections for 100 requests");
    }

    // ---- helpers

    private WebhookHttpClient client(boolean allowPrivateTargets) {
        return client(new TargetUrlPolicy(allowPrivateTargets), TOTAL);
    }

    private WebhookHttpClient client(TargetUrlPolicy policy, Duration total) {
        return track(new WebhookHttpClient(vertx, policy, CONNECT, total, EXCERPT, USER_AGENT, CONNECTIONS));
    }

    private WebhookHttpClient client(TargetUrlPolicy policy, Duration total, TargetUrlPolicy.Resolver resolver,
            io.vertx.core.net.TrustOptions trust) {
        return track(new WebhookHttpClient(vertx, policy, CONNECT, total, EXCERPT, USER_AGENT, CONNECTIONS, resolver, trust));
    }

    private WebhookHttpClient track(WebhookHttpClient client) {
        clients.add(client);
        return client;
    }

    /** A resolver that puts the given names, and no others, at 127.0.0.1. */
    private static TargetUrlPolicy.Resolver dns(String... names) {
        return host -> {
            if (!List.of(names).contains(host)) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        };
    }

    private static SendResult send(WebhookHttpClient client, String url, Map<String, String> headers, Buffer body)
            throws Exception {
        return client.send(new OutboundRequest(URI.create(url), headers, body)).await(AWAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Handler<HttpServerRequest> answer(int status, String body) {
        return request -> request.response().setStatusCode(status).end(body);
    }

    /** Starts an HTTP receiver on 127.0.0.1 that records each request before handing it on. */
    private int receiver(Handler<HttpServerRequest> handler) throws Exception {
        return receiver(new HttpServerOptions(), handler);
    }

    private int receiver(HttpServerOptions options, Handler<HttpServerRequest> handler) throws Exception {
        HttpServer server = vertx.createHttpServer(options)
                .connectionHandler(connection -> connections.incrementAndGet())
                .requestHandler(request -> request.body().onSuccess(body -> {
                    received.add(new Received(request.method().name(), request.uri(),
                            MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body,
                            request.connection().indicatedServerName()));
                    handler.handle(request);
                }));
        return server.listen(0, "127.0.0.1").await(AWAIT_SECONDS, TimeUnit.SECONDS).actualPort();
    }

    private Received takeRequest() throws InterruptedException {
        Received request = received.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(request != null, "the receiver got no request");
        return request;
    }

    private static Set<String> names(MultiMap headers) {
        Set<String> names = new TreeSet<>();
        headers.names().forEach(name -> names.add(name.toLowerCase()));
        return names;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }
}
