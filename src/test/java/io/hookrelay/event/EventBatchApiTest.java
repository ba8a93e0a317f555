package io.hookrelay.event;

import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/events/batch}: many events in one call, all stored or none, each with its own idempotency key. */
class EventBatchApiTest {

    static final String BATCH = "/v1/events/batch";

    static Application app;
    static Tenants tenant;
    static Tenants other;
    static String mySubscription;
    static String theirSubscription;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        tenant = Tenants.create(app, "batcher");
        other = Tenants.create(app, "other-batcher");
        mySubscription = tenant.subscribe("https://93.184.216.34/batch", new JsonObject()).getString("id");
        theirSubscription = other.subscribe("https://93.184.216.34/other", new JsonObject()).getString("id");
    }

    static JsonObject item(String type, Object data) {
        return new JsonObject().put("type", type).put("data", data);
    }

    static JsonObject batch(JsonObject... items) {
        return new JsonObject().put("events", new JsonArray(List.of((Object[]) items)));
    }

    static JsonObject batch(List<JsonObject> items) {
        return new JsonObject().put("events", new JsonArray(new ArrayList<>(items)));
    }

    /** Four good items with the given one at {@code index}. */
    static JsonObject batchWith(int index, JsonObject bad) {
        List<JsonObject> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(i == index ? bad : item("good.item", new JsonObject().put("n", i)));
        }
        return batch(items);
    }

    static Api.Response send(Tenants who, JsonObject body) {
        return who.api().post(BATCH, body);
    }

    static long stored(Tenants who) {
        return TestDatabase.get().count("SELECT count(*) FROM events WHERE tenant_id = '" + who.tenantId() + "'");
    }

    static long seq(String eventId) {
        return TestDatabase.get().count("SELECT seq FROM events WHERE id = '" + eventId + "'");
    }

    /** Expects 202 with one result per item, in order, and returns the results. */
    static JsonArray accepted(Api.Response answer, int items) {
        assertEquals(202, answer.status(), answer::toString);
        JsonArray results = answer.json().getJsonArray("data");
        assertNotNull(results, answer::toString);
        assertEquals(items, results.size(), answer::toString);
        for (int i = 0; i < items; i++) {
            JsonObject result = results.getJsonObject(i);
            assertEquals(i, result.getInteger("index"), answer::toString);
            assertNotNull(result.getBoolean("replayed"), answer::toString);
            assertNotNull(result.getJsonObject("event"), answer::toString);
        }
        return results;
    }

    /** Expects a problem naming the refused item: {@code index} and a detail that starts with its place in the body. */
    static JsonObject refusedItem(Api.Response answer, int status, int index) {
        assertProblem(answer, status);
        JsonObject problem = answer.json();
        assertInstanceOf(Integer.class, problem.getValue("index"), answer::toString);
        assertEquals(index, problem.getInteger("index"), answer::toString);
        // "body /events/3/type: ..." for a field of the event, "body /events/3: ..." for the event as a whole
        String detail = problem.getString("detail");
        assertTrue(detail.startsWith("body /events/" + index + "/") || detail.startsWith("body /events/" + index + ":"),
                answer::toString);
        return problem;
    }

    /** Sends the batch, expects the item at {@code index} refused with {@code status}, and that nothing was stored. */
    static JsonObject refusedWhole(JsonObject body, int status, int index) {
        long before = stored(tenant);
        JsonObject problem = refusedItem(send(tenant, body), status, index);
        assertEquals(before, stored(tenant), "a refused batch stores nothing");
        return problem;
    }

    /** Sends the body, expects a 400-style problem that names no item, and that nothing was stored. */
    static void refusedCount(Api.Response answer, int status, long before) {
        assertProblem(answer, status);
        assertFalse(answer.json().containsKey("index"), answer::toString);
        assertEquals(before, stored(tenant), "a refused batch stores nothing");
    }

    @Test
    @DisplayName("a batch is accepted with 202 and one result per event in the order sent, each readable by id")
    void publishesInOrder() {
        long before = stored(tenant);
        JsonObject[] items = {
            item("order.created", new JsonObject().put("order_id", 1).put("items", new JsonArray().add("a"))),
            item("order.paid", 2.5),
            item("order.shipped", "text").put("subscription_ids", new JsonArray().add(mySubscription)),
            item("order.note", null),
            item("order.created", new JsonArray().add(1).add(new JsonObject())),
        };
        JsonArray results = accepted(send(tenant, batch(items)), items.length);
        assertEquals(before + items.length, stored(tenant));

        long previousSeq = Long.MIN_VALUE;
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < items.length; i++) {
            JsonObject result = results.getJsonObject(i);
            assertFalse(result.getBoolean("replayed"));
            JsonObject event = result.getJsonObject("event");
            assertNotNull(event.getString("id"));
            assertNotNull(event.getString("timestamp"));
            assertEquals(items[i].getString("type"), event.getString("type"));
            assertEquals(items[i].getValue("data"), event.getValue("data"));
            assertTrue(event.containsKey("data"), event::encode);
            Api.Response read = tenant.api().get("/v1/events/" + event.getString("id"));
            assertEquals(200, read.status(), read::toString);
            assertEquals(event, read.json(), "the batch answers each event as GET /v1/events/{id} reads it");
            long seq = seq(event.getString("id"));
            assertTrue(seq > previousSeq, "seq increases with the index: " + seq + " after " + previousSeq);
            previousSeq = seq;
            ids.add(event.getString("id"));
        }
        assertEquals(items.length, ids.size(), "every event has its own id");
        assertEquals(new JsonArray().add(mySubscription), results.getJsonObject(2).getJsonObject("event").getJsonArray("subscription_ids"));
        assertNull(results.getJsonObject(0).getJsonObject("event").getJsonArray("subscription_ids"));
    }

    @Test
    @DisplayName("a batch event looks exactly like one published by POST /v1/events")
    void sameShapeAsSinglePublish() {
        JsonObject single = tenant.publish("shape.check", new JsonObject().put("k", 1));
        JsonObject batched = accepted(send(tenant, batch(item("shape.check", new JsonObject().put("k", 1)))), 1)
                .getJsonObject(0).getJsonObject("event");
        assertEquals(single.fieldNames(), batched.fieldNames());
        assertEquals(single.copy().put("id", "x").put("timestamp", "t"), batched.copy().put("id", "x").put("timestamp", "t"));
    }

    @Test
    @DisplayName("a batch of the full 1,000 events is accepted")
    void thousandEvents() {
        long before = stored(tenant);
        List<JsonObject> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(item("bulk.item", new JsonObject().put("n", i)));
        }
        JsonArray results = accepted(send(tenant, batch(items)), 1000);
        assertEquals(before + 1000, stored(tenant));
        assertEquals(999, results.getJsonObject(999).getJsonObject("event").getJsonObject("data").getInteger("n"));
        assertTrue(seq(results.getJsonObject(0).getJsonObject("event").getString("id"))
                < seq(results.getJsonObject(999).getJsonObject("event").getString("id")));
    }

    @Test
    @DisplayName("a bad event type name refuses the whole batch with 400 naming the event")
    void badType() {
        JsonObject problem = refusedWhole(batchWith(3, item("bad type!", 1)), 400, 3);
        assertTrue(problem.getString("detail").startsWith("body /events/3/type"), problem::encode);
    }

    @Test
    @DisplayName("an event without data refuses the whole batch with 400 naming the event")
    void missingData() {
        refusedWhole(batchWith(1, new JsonObject().put("type", "no.data")), 400, 1);
    }

    @Test
    @DisplayName("an event without a type refuses the whole batch with 400 naming the event")
    void missingType() {
        refusedWhole(batchWith(4, new JsonObject().put("data", 1)), 400, 4);
    }

    @Test
    @DisplayName("an unknown field in an event refuses the whole batch with 400 naming the event and field")
    void unknownField() {
        JsonObject problem = refusedWhole(batchWith(2, item("has.extra", 1).put("colour", "red")), 400, 2);
        assertEquals("body /events/2/colour: is not a known field", problem.getString("detail"));
    }

    @Test
    @DisplayName("a string with U+0000 anywhere in an event's data refuses the whole batch with 400")
    void nulInData() {
        refusedWhole(batchWith(0, item("nul.data", new JsonObject().put("k", new JsonArray().add("a\u0000b")))), 400, 0);
        refusedWhole(batchWith(4, item("nul.data", "\u0000")), 400, 4);
    }

    @Test
    @DisplayName("subscription_ids naming another tenant's subscription refuses the whole batch with 422")
    void foreignSubscription() {
        JsonObject bad = item("t.x", 1).put("subscription_ids", new JsonArray().add(theirSubscription));
        refusedWhole(batchWith(2, bad), 422, 2);
        JsonObject mixed = item("t.x", 1).put("subscription_ids", new JsonArray().add(mySubscription).add(theirSubscription));
        refusedWhole(batchWith(4, mixed), 422, 4);
        JsonObject unknown = item("t.x", 1).put("subscription_ids", new JsonArray().add(UUID.randomUUID().toString()));
        refusedWhole(batchWith(0, unknown), 422, 0);
    }

    @Test
    @DisplayName("a subscription_ids entry that is not a UUID refuses the whole batch with 400")
    void subscriptionIdNotUuid() {
        refusedWhole(batchWith(1, item("t.x", 1).put("subscription_ids", new JsonArray().add("not-a-uuid"))), 400, 1);
        refusedWhole(batchWith(3, item("t.x", 1).put("subscription_ids", new JsonArray().add(mySubscription).add(7))), 400, 3);
    }

    @Test
    @DisplayName("an event whose data is larger than HOOKRELAY_MAX_PAYLOAD_BYTES refuses the whole batch with 413")
    void oversizedEvent() {
        refusedWhole(batchWith(3, item("big.one", "x".repeat(70_000))), 413, 3);
        refusedWhole(batchWith(1, item("big.one", new JsonObject().put("a", "y".repeat(40_000)).put("b", "z".repeat(40_000)))), 413, 1);
    }

    @Test
    @DisplayName("the same idempotency_key twice in one batch answers 400 naming the second event")
    void duplicateKeyInBatch() {
        String key = "dup-" + UUID.randomUUID();
        JsonObject body = batch(item("k.a", 1), item("k.b", 2).put("idempotency_key", key), item("k.c", 3),
                item("k.d", 4).put("idempotency_key", key), item("k.e", 5));
        refusedWhole(body, 400, 3);
        assertEquals(0, TestDatabase.get().count("SELECT count(*) FROM events WHERE type = 'k.b' AND tenant_id = '"
                + tenant.tenantId() + "'"));
    }

    @Test
    @DisplayName("an idempotency_key must be 1 to 255 characters")
    void keyLength() {
        refusedWhole(batchWith(2, item("k.len", 1).put("idempotency_key", "")), 400, 2);
        refusedWhole(batchWith(0, item("k.len", 1).put("idempotency_key", "k".repeat(256))), 400, 0);
        refusedWhole(batchWith(1, item("k.len", 1).put("idempotency_key", 42)), 400, 1);
        JsonArray results = accepted(send(tenant, batch(item("k.len", 1).put("idempotency_key", UUID.randomUUID() + "k".repeat(219)))), 1);
        assertFalse(results.getJsonObject(0).getBoolean("replayed"));
    }

    @Test
    @DisplayName("an empty events array, more than 1,000 events, a missing events member and a non-object body are 400 without index")
    void countAndShapeErrors() {
        long before = stored(tenant);
        refusedCount(send(tenant, new JsonObject().put("events", new JsonArray())), 400, before);
        List<JsonObject> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add(item("too.many", i));
        }
        refusedCount(send(tenant, batch(many)), 400, before);
        refusedCount(send(tenant, new JsonObject()), 400, before);
        refusedCount(send(tenant, new JsonObject().put("events", item("not.array", 1))), 400, before);
        refusedCount(send(tenant, batch(item("a.b", 1)).put("extra", true)), 400, before);
        for (String raw : new String[] {"[]", "[{\"type\":\"a.b\",\"data\":1}]", "\"events\"", "null", "{",
                "{\"events\":[{\"type\":\"a.b\",\"data\":1}]", "{\"events\":[{\"type\":\"a.b\",\"data\":1},]}", "not json"}) {
            refusedCount(tenant.api().send("POST", BATCH, raw, Map.of()), 400, before);
        }
    }

    @Test
    @DisplayName("a body over HOOKRELAY_MAX_BATCH_BYTES answers 413 and stores nothing")
    void oversizedBatch() {
        long before = stored(tenant);
        List<JsonObject> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(item("big.batch", "x".repeat(45_000)));
        }
        String body = batch(items).encode();
        assertTrue(body.length() > 4_194_304, "each event is under the per-event limit but the whole is over 4 MiB");
        Api.Response answer = tenant.api().send("POST", BATCH, body, Map.of());
        assertProblem(answer, 413);
        assertEquals(before, stored(tenant));
    }

    @Test
    @DisplayName("a batch body is not bound by HOOKRELAY_MAX_PAYLOAD_BYTES as a whole")
    void batchLargerThanOnePayload() {
        List<JsonObject> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            items.add(item("wide.batch", "x".repeat(30_000)));
        }
        assertTrue(batch(items).encode().length() > 65_536);
        accepted(send(tenant, batch(items)), 10);
    }

    @Test
    @DisplayName("a body that is not application/json answers 415")
    void wrongContentType() {
        long before = stored(tenant);
        Api.Response answer = tenant.api().send("POST", BATCH, batch(item("a.b", 1)).encode(), Map.of("Content-Type", "text/plain"));
        assertProblem(answer, 415);
        assertEquals(before, stored(tenant));
    }

    @Test
    @DisplayName("sending the same keyed batch again replays every event: same ids, replayed true, nothing new stored")
    void replayedBatch() {
        String run = UUID.randomUUID().toString();
        JsonObject body = batch(item("replay.a", new JsonObject().put("run", run)).put("idempotency_key", run + "-a"),
                item("replay.b", 2).put("idempotency_key", run + "-b"),
                item("replay.c", "three").put("idempotency_key", run + "-c"));
        JsonArray first = accepted(send(tenant, body), 3);
        long after = stored(tenant);
        JsonArray again = accepted(send(tenant, body), 3);
        assertEquals(after, stored(tenant), "a replay stores nothing");
        for (int i = 0; i < 3; i++) {
            assertFalse(first.getJsonObject(i).getBoolean("replayed"));
            assertTrue(again.getJsonObject(i).getBoolean("replayed"));
            assertEquals(first.getJsonObject(i).getJsonObject("event"), again.getJsonObject(i).getJsonObject("event"),
                    "a replay returns the first event stored");
        }
    }

    @Test
    @DisplayName("a key reused with a different event answers 409 naming that event and stores nothing")
    void keyReusedWithDifferentEvent() {
        String key = "reuse-" + UUID.randomUUID();
        accepted(send(tenant, batch(item("reuse.it", new JsonObject().put("v", 1)).put("idempotency_key", key))), 1);
        long before = stored(tenant);
        JsonObject body = batch(item("reuse.new", 0),
                item("reuse.it", new JsonObject().put("v", 2)).put("idempotency_key", key),
                item("reuse.new", 2));
        refusedItem(send(tenant, body), 409, 1);
        assertEquals(before, stored(tenant), "the whole batch is refused");
        JsonObject otherType = batch(item("reuse.other", new JsonObject().put("v", 1)).put("idempotency_key", key));
        refusedItem(send(tenant, otherType), 409, 0);
        JsonObject targeted = batch(item("reuse.it", new JsonObject().put("v", 1)).put("idempotency_key", key)
                .put("subscription_ids", new JsonArray().add(mySubscription)));
        refusedItem(send(tenant, targeted), 409, 0);
        assertEquals(before, stored(tenant));
    }

    @Test
    @DisplayName("a batch mixing a replayed keyed event with new ones stores only the new ones")
    void mixedReplayAndNew() {
        String run = UUID.randomUUID().toString();
        JsonObject keyed = item("mix.keyed", new JsonObject().put("run", run)).put("idempotency_key", run);
        JsonObject original = accepted(send(tenant, batch(keyed)), 1).getJsonObject(0).getJsonObject("event");
        long before = stored(tenant);
        JsonArray results = accepted(send(tenant, batch(item("mix.new", 0), keyed,
                item("mix.new", 2).put("idempotency_key", run + "-new"), item("mix.new", 3))), 4);
        assertEquals(before + 3, stored(tenant));
        assertEquals(List.of(false, true, false, false), List.of(results.getJsonObject(0).getBoolean("replayed"),
                results.getJsonObject(1).getBoolean("replayed"), results.getJsonObject(2).getBoolean("replayed"),
                results.getJsonObject(3).getBoolean("replayed")));
        assertEquals(original, results.getJsonObject(1).getJsonObject("event"));
        assertEquals(1, TestDatabase.get().count("SELECT count(*) FROM events WHERE data->>'run' = '" + run + "'"));
        assertTrue(seq(results.getJsonObject(0).getJsonObject("event").getString("id"))
                < seq(results.getJsonObject(2).getJsonObject("event").getString("id")));
    }

    @Test
    @DisplayName("ten identical keyed batches racing store each keyed event exactly once")
    void racingBatches() throws Exception {
        String run = UUID.randomUUID().toString();
        List<JsonObject> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(item("race.item", new JsonObject().put("run", run).put("n", i)).put("idempotency_key", run + "-" + i));
        }
        JsonObject body = batch(items);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<JsonArray> answers = new ArrayList<>();
        try {
            List<Callable<Api.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> send(tenant, body));
            }
            for (Future<Api.Response> answer : pool.invokeAll(calls)) {
                answers.add(accepted(answer.get(), 5));
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 5; i++) {
            Set<String> ids = new HashSet<>();
            int created = 0;
            for (JsonArray answer : answers) {
                ids.add(answer.getJsonObject(i).getJsonObject("event").getString("id"));
                created += answer.getJsonObject(i).getBoolean("replayed") ? 0 : 1;
            }
            assertEquals(1, ids.size(), "every answer names the same event for index " + i);
            assertEquals(1, created, "exactly one answer created the event at index " + i);
            assertEquals(1, TestDatabase.get().count("SELECT count(*) FROM events WHERE data->>'run' = '" + run
                    + "' AND (data->>'n')::int = " + i));
        }
        assertEquals(5, TestDatabase.get().count("SELECT count(*) FROM events WHERE data->>'run' = '" + run + "'"));
    }

    @Test
    @DisplayName("event idempotency keys are per tenant: another tenant using the same key gets its own event")
    void keysPerTenant() {
        String key = "shared-" + UUID.randomUUID();
        JsonObject body = batch(item("tenant.keyed", new JsonObject().put("who", "same")).put("idempotency_key", key));
        JsonObject mine = accepted(send(tenant, body), 1).getJsonObject(0).getJsonObject("event");
        long theirsBefore = stored(other);
        JsonArray theirs = accepted(send(other, body), 1);
        assertFalse(theirs.getJsonObject(0).getBoolean("replayed"));
        JsonObject theirEvent = theirs.getJsonObject(0).getJsonObject("event");
        assertNotEquals(mine.getString("id"), theirEvent.getString("id"));
        assertEquals(theirsBefore + 1, stored(other));
        assertEquals(200, other.api().get("/v1/events/" + theirEvent.getString("id")).status());
        assertEquals(404, other.api().get("/v1/events/" + mine.getString("id")).status());
        assertTrue(accepted(send(other, body), 1).getJsonObject(0).getBoolean("replayed"));
    }

    @Test
    @DisplayName("event idempotency keys are a namespace apart from Idempotency-Key headers")
    void keysApartFromHeaders() {
        String key = "ns-" + UUID.randomUUID();
        Api.Response single = tenant.api().post("/v1/events", item("ns.single", 1), Map.of("Idempotency-Key", key));
        assertEquals(202, single.status(), single::toString);
        JsonArray results = accepted(send(tenant, batch(item("ns.batch", 2).put("idempotency_key", key))), 1);
        assertFalse(results.getJsonObject(0).getBoolean("replayed"));
        assertNotEquals(single.json().getString("id"), results.getJsonObject(0).getJsonObject("event").getString("id"));
    }

    @Test
    @DisplayName("an Idempotency-Key header on the whole call replays the first answer, and a different body answers 409")
    void idempotencyHeader() {
        String key = UUID.randomUUID().toString();
        JsonObject body = batch(item("header.a", new JsonObject().put("key", key)), item("header.b", 2));
        Api.Response first = tenant.api().post(BATCH, body, Map.of("Idempotency-Key", key));
        accepted(first, 2);
        long after = stored(tenant);
        Api.Response again = tenant.api().post(BATCH, body, Map.of("Idempotency-Key", key));
        assertEquals(202, again.status(), again::toString);
        assertEquals(first.json(), again.json(), "the repeat answers exactly as the first did");
        assertEquals(after, stored(tenant), "the repeat stores nothing");
        assertEquals(1, TestDatabase.get().count("SELECT count(*) FROM events WHERE data->>'key' = '" + key + "'"));
        JsonObject different = batch(item("header.a", new JsonObject().put("key", key)), item("header.b", 3));
        assertProblem(tenant.api().post(BATCH, different, Map.of("Idempotency-Key", key)), 409);
        assertEquals(after, stored(tenant));
    }

    @Test
    @DisplayName("the admin token is refused with 403 and a call without Authorization with 401")
    void authentication() {
        long before = stored(tenant);
        JsonObject body = batch(item("auth.check", 1));
        assertProblem(new Api(app.httpPort(), app.adminToken()).post(BATCH, body), 403);
        assertProblem(new Api(app.httpPort(), null).post(BATCH, body), 401);
        assertProblem(new Api(app.httpPort(), "hr_not_a_real_key").post(BATCH, body), 401);
        assertEquals(before, stored(tenant));
    }

    @Test
    @DisplayName("events published by batch are each delivered once to a loopback receiver, with the event id as webhook-id")
    void delivered() throws Exception {
        Application delivering = TestService.permissive();
        Vertx vertx = Vertx.vertx();
        try (Receiver receiver = Receiver.start(vertx, Receiver.status(204))) {
            Tenants sender = Tenants.create(delivering, "batch-delivery");
            JsonObject sub = sender.subscribe(receiver.url(), new JsonObject());
            List<JsonObject> items = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                items.add(item("delivered.item", new JsonObject().put("n", i)));
            }
            JsonArray results = accepted(sender.api().post(BATCH, batch(items)), 5);
            Set<String> ids = new HashSet<>();
            results.forEach(r -> ids.add(((JsonObject) r).getJsonObject("event").getString("id")));
            assertEquals(5, ids.size());

            Receiver.await("five deliveries", Duration.ofSeconds(20), () -> receiver.received().size() >= 5);
            Receiver.await("five successes recorded", Duration.ofSeconds(20), () -> TestDatabase.get("deliveries").count(
                    "SELECT count(*) FROM deliveries WHERE subscription_id = '" + sub.getString("id") + "' AND status = 'succeeded'") == 5);
            List<String> webhookIds = new ArrayList<>();
            receiver.received().forEach(r -> webhookIds.add(r.header("webhook-id")));
            assertEquals(5, webhookIds.size(), "each event is delivered once: " + webhookIds);
            assertEquals(ids, new HashSet<>(webhookIds));
            for (Receiver.Received got : receiver.received()) {
                JsonObject sent = new JsonObject(got.body());
                JsonObject event = results.stream().map(r -> ((JsonObject) r).getJsonObject("event"))
                        .filter(e -> e.getString("id").equals(got.header("webhook-id"))).findFirst().orElseThrow();
                assertEquals(event.getValue("data"), sent.getValue("data"));
                assertEquals("delivered.item", sent.getString("type"));
            }
        } finally {
            vertx.close();
        }
    }
}
