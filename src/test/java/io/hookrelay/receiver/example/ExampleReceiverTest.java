package io.hookrelay.receiver.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.hookrelay.receiver.TestSignatures;
import io.hookrelay.receiver.WebhookDeduplicator;
import io.hookrelay.receiver.WebhookVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExampleReceiverTest {

    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "example-receiver-test-secret".getBytes(StandardCharsets.UTF_8));
    static final byte[] BODY = "{\"type\":\"invoice.paid\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"data\":{\"id\":1}}"
            .getBytes(StandardCharsets.UTF_8);

    final List<String> log = new CopyOnWriteArrayList<>();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpServer server;
    URI uri;

    @BeforeEach
    void startReceiver() throws Exception {
        server = ExampleReceiver.start(0, WebhookVerifier.ofSecrets(SECRET), new WebhookDeduplicator(1000), log::add);
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks");
    }

    @AfterEach
    void stopReceiver() {
        server.stop(0);
    }

    HttpRequest.Builder post(String id, long timestamp, String signature, byte[] body) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void signedDeliveryIsAcceptedAndARetryIsLoggedAsDuplicate() throws Exception {
        long now = Instant.now().getEpochSecond();
        String id = "msg_example_1";
        HttpRequest request = post(id, now, TestSignatures.v1(SECRET, id, now, BODY), BODY).build();

        assertEquals(204, send(request).statusCode());
        assertEquals(204, send(request).statusCode());

        // The handler logs before it answers, so both lines exist once the responses are in.
        assertEquals(List.of(
                "webhook id=msg_example_1 type=invoice.paid duplicate=false",
                "webhook id=msg_example_1 type=invoice.paid duplicate=true"), log);
    }

    @Test
    void forgedDeliveryIsRejectedWithTheReason() throws Exception {
        long now = Instant.now().getEpochSecond();
        String forged = "v1," + Base64.getEncoder().encodeToString(new byte[32]);

        HttpResponse<String> response = send(post("msg_forged", now, forged, BODY).build());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("NO_MATCHING_SIGNATURE"), response.body());
        assertEquals(List.of(), log);
    }

    @Test
    void missingHeadersAreRejected() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
        HttpResponse<String> response = send(request);
        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("MISSING_HEADER"), response.body());
    }

    @Test
    void oversizedBodyIsRejected() throws Exception {
        long now = Instant.now().getEpochSecond();
        byte[] big = new byte[ExampleReceiver.MAX_BODY_BYTES + 1];
        HttpRequest request = post("msg_big", now, TestSignatures.v1(SECRET, "msg_big", now, big), big).build();
        assertEquals(413, send(request).statusCode());
    }

    @Test
    void oversizedChunkedBodyIsRejected() throws Exception {
        // No Content-Length: the receiver has to notice while reading.
        byte[] big = new byte[ExampleReceiver.MAX_BODY_BYTES + 1];
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build();
        assertEquals(413, send(request).statusCode());
    }

    @Test
    void onlyPostIsAccepted() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).GET().build());
        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void environmentParsing() {
        assertEquals(ExampleReceiver.DEFAULT_PORT, ExampleReceiver.parsePort(null));
        assertEquals(8080, ExampleReceiver.parsePort(" 8080 "));
        assertThrows(IllegalArgumentException.class, () -> ExampleReceiver.parsePort("http"));
        assertThrows(IllegalArgumentException.class, () -> ExampleReceiver.parsePort("70000"));
        assertEquals(List.of("whsec_a", "whsec_b"), ExampleReceiver.splitList(" whsec_a, ,whsec_b "));
        assertEquals(List.of(), ExampleReceiver.splitList(null));
    }
}
