package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.StandardWebhooks;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine end to end: real service, real PostgreSQL, real HTTP receivers on loopback. */
class DeliveryEngineTest {

    static final Duration PATIENCE = Duration.ofSeconds(20);
    static Application app;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        app = TestService.permissive();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    static JsonObject subscribe(Tenants tenant, String url, JsonObject extra) {
        return tenant.subscribe(url, extra);
    }

    static JsonObject publish(Tenants tenant, String type, Object data) {
        return tenant.publish(type, data);
    }

    static long deliveries(String subscriptionId, String status) {
        return TestDatabase.get("deliveries").count("SELECT count(*) FROM deliveries WHERE subscription_id = '"
                + subscriptionId + "' AND status = '" + status + "'");
    }

    @Test
    @DisplayName("an event reaches its subscription as one Standard Webhooks signed POST of the exact body")
    void signedDelivery() throws Exception {
        Tenants tenant = Tenants.create(app, "signed");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(204))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject().put("headers", new JsonObject().put("x-team", "blue")));
            JsonObject data = new JsonObject().put("order_id", 7).put("note", "naïve ☃");
            JsonObject event = publish(tenant, "order.created", data);
            Receiver.await("the delivery", PATIENCE, () -> receiver.received().size() == 1);

            Receiver.Received got = receiver.received().get(0);
            assertEquals("application/json", got.header("content-type"));
            assertTrue(got.header("user-agent").startsWith("Hookrelay/"), got.header("user-agent"));
            assertEquals("blue", got.header("x-team"));
            assertEquals(event.getString("id"), got.header("webhook-id"), "the dedupe id is the event id");
            long timestamp = Long.parseLong(got.header("webhook-timestamp"));
            assertTrue(Math.abs(Instant.now().getEpochSecond() - timestamp) < 60);
            byte[] body = got.body().getBytes();
            assertTrue(StandardWebhooks.verifies(sub.getString("secret"), got.header("webhook-id"),
                    got.header("webhook-timestamp"), body, got.header("webhook-signature")), "the signature verifies");
            JsonObject sent = new JsonObject(got.body());
            assertEquals(Set.of("type", "timestamp", "data"), sent.fieldNames());
            assertEquals("order.created", sent.getString("type"));
            assertEquals(event.getString("timestamp"), sent.getString("timestamp"));
            assertEquals(data, sent.getJsonObject("data"));

            Receiver.await("the success is recorded", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 1);
            assertEquals(1, TestDatabase.get("deliveries").count("SELECT count(*) FROM delivery_attempts WHERE subscription_id = '"
                    + sub.getString("id") + "' AND status_code = 204"));
        }
    }

    @Test
    @DisplayName("type filters and subscription_ids decide who receives an event")
    void filtering() throws Exception {
        Tenants tenant = Tenants.create(app, "filters");
        try (Receiver orders = Receiver.start(vertx, Receiver.status(200));
             Receiver everything = Receiver.start(vertx, Receiver.status(200))) {
            subscribe(tenant, orders.url(), new JsonObject().put("event_types", new JsonArray().add("order.*")));
            JsonObject all = subscribe(tenant, everything.url(), new JsonObject());
            publish(tenant, "invoice.paid", 1);
            publish(tenant, "order.shipped", 2);
            Api.Response targeted = tenant.api().post("/v1/events", new JsonObject().put("type", "order.created").put("data", 3)
                    .put("subscription_ids", new JsonArray().add(all.getString("id"))));
            assertEquals(202, targeted.status());
            Receiver.await("three deliveries to the catch-all", PATIENCE, () -> everything.received().size() == 3);
            Receiver.await("one delivery to the order filter", PATIENCE, () -> orders.received().size() == 1);
            assertEquals("order.shipped", new JsonObject(orders.received().get(0).body()).getString("type"));
        }
    }

    @Test
    @DisplayName("failures are retried with the same webhook-id until the endpoint answers 2xx")
    void retriesUntilSuccess() throws Exception {
        Tenants tenant = Tenants.create(app, "retries");
        try (Receiver receiver = Receiver.start(vertx, Receiver.failTimesThenSucceed(2, 500))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            JsonObject event = publish(tenant, "flaky.thing", new JsonObject());
            Receiver.await("three attempts", PATIENCE, () -> receiver.received().size() == 3);
            Set<String> ids = new HashSet<>();
            receiver.received().forEach(r -> ids.add(r.header("webhook-id")));
            assertEquals(Set.of(event.getString("id")), ids);
            Receiver.await("success recorded", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 1);
            assertEquals(3, TestDatabase.get("deliveries").count("SELECT count(*) FROM delivery_attempts WHERE subscription_id = '"
                    + sub.getString("id") + "'"));
            assertEquals(0, TestDatabase.get("deliveries").count("SELECT failure_streak FROM subscriptions WHERE id = '"
                    + sub.getString("id") + "'"), "a success resets the failure streak");
        }
    }

    @Test
    @DisplayName("a connection reset is retried like any other failure")
    void connectionReset() throws Exception {
        Tenants tenant = Tenants.create(app, "resets");
        try (Receiver receiver = Receiver.start(vertx, Receiver.resetThenSucceed(1))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            publish(tenant, "reset.me", 1);
            Receiver.await("success after a reset", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 1);
            assertEquals(1, TestDatabase.get("deliveries").count("SELECT count(*) FROM delivery_attempts WHERE subscription_id = '"
                    + sub.getString("id") + "' AND status_code IS NULL AND error IS NOT NULL"));
        }
    }

    @Test
    @DisplayName("410 Gone disables the subscription at once, parks its deliveries and tells the tenant")
    void goneDisables() throws Exception {
        Tenants tenant = Tenants.create(app, "gone");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(410));
             Receiver ops = Receiver.start(vertx, Receiver.status(200))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject().put("event_types", new JsonArray().add("thing.*")));
            subscribe(tenant, ops.url(), new JsonObject().put("event_types", new JsonArray().add("subscription.disabled")));
            publish(tenant, "thing.happened", 1);
            String path = "/v1/subscriptions/" + sub.getString("id");
            Receiver.await("the subscription is disabled", PATIENCE,
                    () -> "disabled".equals(tenant.api().get(path).json().getString("status")));
            assertTrue(tenant.api().get(path).json().getString("disabled_reason").contains("410"));
            assertEquals(1, deliveries(sub.getString("id"), "parked"));
            Receiver.await("the operational event", PATIENCE, () -> ops.received().size() == 1);
            JsonObject notice = new JsonObject(ops.received().get(0).body());
            assertEquals("subscription.disabled", notice.getString("type"));
            assertEquals(sub.getString("id"), notice.getJsonObject("data").getString("subscription_id"));

            String missed = publish(tenant, "thing.happened", 2).getString("id");
            // Dispatched while disabled, the event gets no delivery: only recover below sends it.
            Receiver.await("the event published while disabled is dispatched", PATIENCE, () -> TestDatabase.get("deliveries")
                    .count("SELECT count(*) FROM events WHERE id = '" + missed + "' AND dispatched_at IS NOT NULL") == 1);
            receiver.behave(Receiver.status(200));
            assertEquals(200, tenant.api().post(path + "/enable", null).status());
            Receiver.await("the parked delivery is resumed", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 1);
            Api.Response recovered = tenant.api().post(path + "/recover", new JsonObject()
                    .put("since", Instant.now().minusSeconds(600).toString()));
            assertEquals(202, recovered.status(), recovered::toString);
            assertEquals(1, recovered.json().getInteger("queued"), "the event sent while disabled is recovered");
            Receiver.await("the missed event arrives", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 2);
            assertEquals(0, tenant.api().post(path + "/recover", new JsonObject()
                    .put("since", Instant.now().minusSeconds(600).toString())).json().getInteger("queued"),
                    "what was delivered is not sent again");
        }
    }

    @Test
    @DisplayName("recover with a since before the subscription existed sends only what it missed, not older events")
    void recoverSkipsEventsFromBeforeTheSubscription() throws Exception {
        Tenants tenant = Tenants.create(app, "recover-from-creation");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(200))) {
            String since = Instant.now().minusSeconds(600).toString();
            String before = publish(tenant, "thing.happened", "before").getString("id");
            awaitDispatched(before);
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            String path = "/v1/subscriptions/" + sub.getString("id");
            assertEquals(200, tenant.api().post(path + "/disable", null).status());
            String missed = publish(tenant, "thing.happened", "while disabled").getString("id");
            awaitDispatched(missed);
            assertEquals(200, tenant.api().post(path + "/enable", null).status());

            Api.Response recovered = tenant.api().post(path + "/recover", new JsonObject().put("since", since));
            assertEquals(202, recovered.status(), recovered::toString);
            assertEquals(1, recovered.json().getInteger("queued"), "only the event published while it was disabled");
            Receiver.await("the missed event arrives", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 1);
            assertEquals(List.of(missed), receiver.received().stream().map(r -> r.header("webhook-id")).toList());
            assertEquals(0, TestDatabase.get("deliveries").count("SELECT count(*) FROM deliveries WHERE event_id = '"
                    + before + "' AND subscription_id = '" + sub.getString("id") + "'"),
                    "the event from before the subscription is not queued for it");
        }
    }

    static void awaitDispatched(String eventId) {
        Receiver.await("event " + eventId + " is dispatched", PATIENCE, () -> TestDatabase.get("deliveries")
                .count("SELECT count(*) FROM events WHERE id = '" + eventId + "' AND dispatched_at IS NOT NULL") == 1);
    }

    @Test
    @DisplayName("429 with Retry-After waits at least that long before trying again")
    void retryAfter() throws Exception {
        Tenants tenant = Tenants.create(app, "throttled");
        try (Receiver receiver = Receiver.start(vertx, Receiver.retryAfter(429, 1, 1))) {
            subscribe(tenant, receiver.url(), new JsonObject());
            publish(tenant, "slow.down", 1);
            Receiver.await("two attempts", PATIENCE, () -> receiver.received().size() == 2);
            List<Receiver.Received> got = receiver.received();
            Duration gap = Duration.between(got.get(0).at(), got.get(1).at());
            assertTrue(gap.toMillis() >= 950, "waited " + gap + " although the initial retry delay is 200 ms");
        }
    }

    @Test
    @DisplayName("a hanging endpoint does not delay deliveries to a healthy one")
    void isolation() throws Exception {
        Tenants tenant = Tenants.create(app, "isolation");
        try (Receiver hanging = Receiver.start(vertx, Receiver.hang());
             Receiver healthy = Receiver.start(vertx, Receiver.status(200))) {
            subscribe(tenant, hanging.url(), new JsonObject());
            subscribe(tenant, healthy.url(), new JsonObject());
            Instant started = Instant.now();
            for (int i = 0; i < 30; i++) {
                publish(tenant, "busy.event", i);
            }
            Receiver.await("all thirty at the healthy endpoint", PATIENCE, () -> healthy.received().size() == 30);
            Duration took = Duration.between(started, Instant.now());
            assertTrue(took.toMillis() < 1900, "healthy deliveries took " + took + ", as long as the hanging endpoint's timeout");
            assertFalse(hanging.received().isEmpty());
            assertTrue(hanging.received().size() <= 8, "the hanging endpoint holds at most its own in-flight cap");
        }
    }

    @Test
    @DisplayName("during a rotation overlap both the new and the old secret sign")
    void rotationSignsWithBoth() throws Exception {
        Tenants tenant = Tenants.create(app, "rotation");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(200))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject());
            JsonObject rotated = tenant.api().post("/v1/subscriptions/" + sub.getString("id") + "/secret/rotate", null).json();
            publish(tenant, "rotated.event", 1);
            Receiver.await("the delivery", PATIENCE, () -> receiver.received().size() == 1);
            Receiver.Received got = receiver.received().get(0);
            String header = got.header("webhook-signature");
            assertEquals(2, header.split(" ").length, header);
            for (String secret : List.of(rotated.getString("secret"), sub.getString("secret"))) {
                assertTrue(StandardWebhooks.verifies(secret, got.header("webhook-id"), got.header("webhook-timestamp"),
                        got.body().getBytes(), header));
            }
            assertNotNull(rotated.getString("previous_secret"));
        }
    }

    @Test
    @DisplayName("ordered mode delivers one at a time in event order, holding later events while one is retried")
    void orderedMode() throws Exception {
        Tenants tenant = Tenants.create(app, "ordered");
        try (Receiver receiver = Receiver.start(vertx, Receiver.failTimesThenSucceed(2, 503))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject().put("ordered", true));
            assertTrue(sub.getBoolean("ordered"));
            for (int i = 0; i < 5; i++) {
                publish(tenant, "seq.event", i);
            }
            Receiver.await("all five delivered", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 5);
            List<Integer> order = receiver.received().stream()
                    .map(r -> new JsonObject(r.body()).getInteger("data")).toList();
            assertEquals(List.of(0, 0, 0, 1, 2, 3, 4), order, "the first event was retried twice before any later one went out");
        }
    }

    @Test
    @DisplayName("max_in_flight caps concurrent requests to one endpoint")
    void perSubscriptionCap() throws Exception {
        Tenants tenant = Tenants.create(app, "capped");
        try (Receiver receiver = Receiver.start(vertx, Receiver.hang())) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject().put("max_in_flight", 2));
            assertEquals(2, sub.getInteger("max_in_flight"));
            for (int i = 0; i < 10; i++) {
                publish(tenant, "capped.event", i);
            }
            Receiver.await("two requests in flight", PATIENCE, () -> receiver.received().size() == 2);
            Thread.sleep(500);
            assertEquals(2, receiver.received().size(), "no third request while two hang");
            assertEquals(400, tenant.api().patch("/v1/subscriptions/" + sub.getString("id"),
                    new JsonObject().put("max_in_flight", 0)).status());
        }
    }

    @Test
    @DisplayName("a max_in_flight above the connection pool's old 16 is honoured: 32 requests at once, never 33")
    void largeCapIsHonoured() throws Exception {
        Tenants tenant = Tenants.create(app, "wide");
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (Receiver receiver = Receiver.start(vertx, (n, request, v) -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            v.setTimer(1000, id -> {
                concurrent.decrementAndGet();
                request.response().setStatusCode(200).end();
            });
        })) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject().put("max_in_flight", 32));
            for (int i = 0; i < 64; i++) {
                publish(tenant, "wide.event", i);
            }
            Receiver.await("all 64 delivered", PATIENCE, () -> deliveries(sub.getString("id"), "succeeded") == 64);
            assertEquals(32, most.get(), "as many requests at once as max_in_flight allows, and no more");
        }
    }

    @Test
    @DisplayName("one subscription's backlog does not hold back another subscription's newer deliveries")
    void backlogDoesNotStarveOthers() throws Exception {
        Tenants tenant = Tenants.create(app, "backlog");
        int backlog = 4000;
        // A fast receiver: the busy subscription frees its slots as fast as they are claimed, so it is rarely
        // full when a claim runs; a claim that took candidates oldest-first would give it every slot.
        try (Receiver busy = Receiver.start(vertx, Receiver.status(200));
             Receiver quiet = Receiver.start(vertx, Receiver.status(200))) {
            String busyId = subscribe(tenant, busy.url(), new JsonObject().put("event_types", new JsonArray().add("bulk.*")))
                    .getString("id");
            subscribe(tenant, quiet.url(), new JsonObject().put("event_types", new JsonArray().add("quiet.*")));
            // The backlog is queued at once, as recovery after an outage queues it.
            assertEquals(200, tenant.api().post("/v1/subscriptions/" + busyId + "/disable", null).status());
            Instant since = Instant.now().minusSeconds(1);
            TestDatabase.get("deliveries").execute("INSERT INTO events (tenant_id, type, data) SELECT '" + tenant.tenantId()
                    + "', 'bulk.item', to_jsonb(n) FROM generate_series(1, " + backlog + ") AS n");
            Receiver.await("the backlog's events dispatched", PATIENCE, () -> TestDatabase.get("deliveries")
                    .count("SELECT count(*) FROM events WHERE tenant_id = '" + tenant.tenantId() + "' AND dispatched_at IS NULL") == 0);
            assertEquals(200, tenant.api().post("/v1/subscriptions/" + busyId + "/enable", null).status());
            Api.Response recovered = tenant.api().post("/v1/subscriptions/" + busyId + "/recover",
                    new JsonObject().put("since", since.toString()));
            assertEquals(backlog, recovered.json().getInteger("queued"), recovered::toString);

            publish(tenant, "quiet.ping", 1);
            Receiver.await("the quiet subscription's delivery", PATIENCE, () -> quiet.received().size() == 1);
            int busyDone = busy.received().size();
            assertTrue(busyDone < backlog / 4, "the quiet delivery went out after " + busyDone + " of the " + backlog
                    + " older backlog deliveries; it should not wait for the backlog");
            assertTrue(tenant.api().delete("/v1/subscriptions/" + busyId).status() < 300, "the backlog is dropped");
        }
    }

    @Test
    @DisplayName("a subscription may also sign with Ed25519, verifiable with the public key it shows")
    void ed25519Signatures() throws Exception {
        Tenants tenant = Tenants.create(app, "ed25519");
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(200))) {
            JsonObject sub = subscribe(tenant, receiver.url(), new JsonObject().put("ed25519", true));
            String publicKey = sub.getString("ed25519_public_key");
            assertTrue(publicKey.startsWith("whpk_"), publicKey);
            publish(tenant, "signed.twice", 1);
            Receiver.await("the delivery", PATIENCE, () -> receiver.received().size() == 1);
            Receiver.Received got = receiver.received().get(0);
            String v1a = java.util.Arrays.stream(got.header("webhook-signature").split(" "))
                    .filter(entry -> entry.startsWith("v1a,")).findFirst().orElseThrow();
            byte[] raw = java.util.Base64.getDecoder().decode(publicKey.substring(5));
            byte[] spki = java.util.HexFormat.of().parseHex("302a300506032b6570032100");
            byte[] encoded = new byte[spki.length + raw.length];
            System.arraycopy(spki, 0, encoded, 0, spki.length);
            System.arraycopy(raw, 0, encoded, spki.length, raw.length);
            java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
            verifier.initVerify(java.security.KeyFactory.getInstance("Ed25519")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(encoded)));
            verifier.update((got.header("webhook-id") + "." + got.header("webhook-timestamp") + ".")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            verifier.update(got.body().getBytes());
            assertTrue(verifier.verify(java.util.Base64.getDecoder().decode(v1a.substring(4))), "v1a verifies with the JDK");
            assertTrue(StandardWebhooks.verifies(sub.getString("secret"), got.header("webhook-id"),
                    got.header("webhook-timestamp"), got.body().getBytes(), got.header("webhook-signature")), "v1 still sent");

            JsonObject off = tenant.api().patch("/v1/subscriptions/" + sub.getString("id"),
                    new JsonObject().put("ed25519", false)).json();
            assertEquals(null, off.getString("ed25519_public_key"));
            publish(tenant, "signed.once", 2);
            Receiver.await("the second delivery", PATIENCE, () -> receiver.received().size() == 2);
            assertFalse(receiver.received().get(1).header("webhook-signature").contains("v1a,"));
        }
    }
}
