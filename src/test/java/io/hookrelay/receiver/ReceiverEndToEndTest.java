package io.hookrelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.hookrelay.Application;
import io.hookrelay.receiver.example.ExampleReceiver;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.StandardWebhooks;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The receiver library against real deliveries from the running service: the example receiver, built
 * only on {@code io.hookrelay.receiver} and the JDK, is a subscription's callback URL. It accepts what the
 * service delivers (HMAC and Ed25519 signatures) and rejects requests the test forges or tampers with.
 */
class ReceiverEndToEndTest {

    private static final Duration SOON = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private record Hook(String id, String url, String secret, String publicKey) {
    }

    private static Hook subscribe(Api api, String url, boolean ed25519) {
        Api.Response created = api.post("/v1/subscriptions", new JsonObject().put("url", url)
                .put("event_types", new JsonArray().add("e2e.*")).put("ed25519", ed25519));
        assertEquals(201, created.status(), created::toString);
        JsonObject body = created.json();
        return new Hook(body.getString("id"), url, body.getString("secret"), body.getString("ed25519_public_key"));
    }

    private static void pointAt(Api api, Hook hook, String url) {
        Api.Response patched = api.patch("/v1/subscriptions/" + hook.id(), new JsonObject().put("url", url));
        assertEquals(200, patched.status(), patched::toString);
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    private static String publish(Api api, String type, Object data) {
        Api.Response answer = api.post("/v1/events", new JsonObject().put("type", type).put("data", data));
        assertEquals(202, answer.status(), answer::toString);
        return answer.json().getString("id");
    }

    @Test
    @DisplayName("the example receiver accepts real deliveries: HMAC-signed, and Ed25519-signed with only the public key")
    void acceptsRealDeliveries() throws Exception {
        Application service = TestService.permissive();
        Tenants tenant = Tenants.create(service, "receiver-e2e");
        // Subscriptions first (their secrets configure the receivers), pointed at them once they listen.
        Hook hmac = subscribe(tenant.api(), "http://127.0.0.1:9/unused", false);
        Hook ed25519 = subscribe(tenant.api(), "http://127.0.0.1:9/unused", true);
        List<String> hmacLog = new CopyOnWriteArrayList<>();
        List<String> edLog = new CopyOnWriteArrayList<>();
        HttpServer hmacReceiver = ExampleReceiver.start(0, WebhookVerifier.ofSecrets(hmac.secret()),
                new WebhookDeduplicator(1000), hmacLog::add);
        HttpServer edReceiver = ExampleReceiver.start(0, WebhookVerifier.builder().publicKey(ed25519.publicKey()).build(),
                new WebhookDeduplicator(1000), edLog::add);
        try {
            pointAt(tenant.api(), hmac, url(hmacReceiver));
            pointAt(tenant.api(), ed25519, url(edReceiver));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(publish(tenant.api(), "e2e.order", new JsonObject().put("n", i).put("text", "grüße \u2603")));
            }
            for (String id : ids) {
                Receiver.await("HMAC receiver accepted " + id, SOON,
                        () -> hmacLog.contains("webhook id=" + id + " type=e2e.order duplicate=false"));
                Receiver.await("Ed25519 receiver accepted " + id, SOON,
                        () -> edLog.contains("webhook id=" + id + " type=e2e.order duplicate=false"));
            }
            // The service recorded each as a success (the receiver answered 204, not a 400 rejection).
            for (Hook hook : List.of(hmac, ed25519)) {
                Receiver.await("deliveries to " + hook.id() + " succeeded", SOON, () -> TestDatabase.get("deliveries")
                        .count("SELECT count(*) FROM deliveries WHERE status = 'succeeded' AND subscription_id = '" + hook.id() + "'") == 3);
            }
        } finally {
            hmacReceiver.stop(0);
            edReceiver.stop(0);
        }
    }

    @Test
    @DisplayName("the example receiver rejects forged and tampered requests, and still accepts the untouched original")
    void rejectsForgeries() throws Exception {
        Application service = TestService.permissive();
        Tenants tenant = Tenants.create(service, "receiver-e2e-forgery");
        try (Receiver capture = Receiver.start(vertx, Receiver.status(204))) {
            Hook hook = subscribe(tenant.api(), capture.url(), false);
            String id = publish(tenant.api(), "e2e.capture", new JsonObject().put("amount", 100));
            Receiver.await("a real delivery captured", SOON, () -> !capture.received().isEmpty());
            Receiver.Received real = capture.received().get(0);
            assertEquals(id, real.header("webhook-id"));
            byte[] body = real.body().getBytes();
            String timestamp = real.header("webhook-timestamp");
            String signature = real.header("webhook-signature");

            List<String> log = new CopyOnWriteArrayList<>();
            HttpServer receiver = ExampleReceiver.start(0, WebhookVerifier.ofSecrets(hook.secret()),
                    new WebhookDeduplicator(1000), log::add);
            try {
                String url = url(receiver);
                byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("100", "900").getBytes(StandardCharsets.UTF_8);
                assertFalse(Arrays.equals(body, tampered));
                String now = Long.toString(Instant.now().getEpochSecond());
                String wrongSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString("not the subscription's secret!!".getBytes(StandardCharsets.US_ASCII));
                String stale = Long.toString(Instant.now().minus(Duration.ofHours(1)).getEpochSecond());

                assertEquals(400, post(url, id, timestamp, signature, tampered), "body changed after signing");
                assertEquals(400, post(url, "msg_other", timestamp, signature, body), "id changed after signing");
                assertEquals(400, post(url, id, now.equals(timestamp) ? Long.toString(Long.parseLong(now) + 1) : now,
                        signature, body), "timestamp changed after signing");
                assertEquals(400, post(url, id, now, StandardWebhooks.sign(wrongSecret, id, now, body), body),
                        "signed with another secret");
                assertEquals(400, post(url, id, stale, StandardWebhooks.sign(hook.secret(), id, stale, body), body),
                        "correctly signed but an hour old (replay window)");
                assertEquals(400, post(url, id, timestamp, null, body), "no signature");
                assertEquals(400, post(url, id, timestamp, "v1,AAAA", body), "garbage signature");
                assertTrue(log.isEmpty(), "nothing forged was accepted: " + log);

                assertEquals(204, post(url, id, timestamp, signature, body), "the real delivery, untouched");
                assertEquals(List.of("webhook id=" + id + " type=e2e.capture duplicate=false"), log);
                assertEquals(204, post(url, id, timestamp, signature, body), "a redelivery is acknowledged");
                assertEquals("webhook id=" + id + " type=e2e.capture duplicate=true", log.get(1));
            } finally {
                receiver.stop(0);
            }
        }
    }

    private static int post(String url, String id, String timestamp, String signature, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("webhook-signature", signature);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
