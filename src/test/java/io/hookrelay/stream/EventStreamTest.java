package io.hookrelay.stream;

import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.SseClient;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Streaming events without a callback URL: SSE and long poll against two real instances on one
 * database, with real clients on sockets.
 */
class EventStreamTest {

    private static final Duration SOON = Duration.ofSeconds(10);
    private static Application first;
    private static Application second;

    @BeforeAll
    static void start() {
        Map<String, String> settings = Map.of("HOOKRELAY_DATABASE_URL", TestDatabase.get("streams").url().toUrl(),
                "HOOKRELAY_DELIVERY_ENABLED", "false", "HOOKRELAY_POLLER_ENABLED", "false",
                "HOOKRELAY_STREAM_HEARTBEAT", "PT0.3S");
        first = TestService.start(settings);
        second = TestService.start(settings);
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    private static String publish(Api api, String type, Object data) {
        Api.Response answer = api.post("/v1/events", new JsonObject().put("type", type).put("data", data));
        assertEquals(202, answer.status(), answer::toString);
        return answer.json().getString("id");
    }

    private static SseClient stream(Api api, String query, String lastEventId) {
        SseClient client = SseClient.connect(api.port(), api.token(), "/v1/events/stream" + query, lastEventId);
        assertEquals(200, client.status(), client::errorBody);
        return client;
    }

    private static String eventId(SseClient.Message message) {
        return new JsonObject(message.data()).getString("id");
    }

    private static List<String> eventIds(List<SseClient.Message> messages) {
        return messages.stream().map(EventStreamTest::eventId).toList();
    }

    /** An event published now reaches the stream (its response started, so it is registered and caught up). */
    private static void awaitLive(Api api, SseClient client) {
        String marker = publish(api, "stream.marker", "marker");
        SseClient.Message message = client.next(SOON);
        assertEquals(marker, eventId(message), "the first event on a new stream is the marker published after it opened");
    }

    @Test
    @DisplayName("SSE: the tenant's events arrive live, filtered by types, each with a resume id; other tenants' never")
    void liveWithTypes() {
        Tenants tenant = Tenants.create(first, "stream-live");
        Tenants other = Tenants.create(first, "stream-other");
        try (SseClient all = stream(tenant.api(), "", null);
             SseClient orders = stream(tenant.api(), "?types=" + URLEncoder.encode("order.*,refund.created", StandardCharsets.UTF_8), null)) {
            assertEquals("text/event-stream; charset=utf-8", all.header("content-type"));
            awaitLive(tenant.api(), all);
            String created = publish(tenant.api(), "order.created", new JsonObject().put("n", 1));
            publish(other.api(), "order.created", new JsonObject().put("secret", "other tenant"));
            String invoice = publish(tenant.api(), "invoice.paid", 2);
            String added = publish(tenant.api(), "order.item.added", 3);
            publish(tenant.api(), "order", 4);
            String refund = publish(tenant.api(), "refund.created", 5);

            List<SseClient.Message> got = all.take(5, SOON);
            assertEquals(created, eventId(got.get(0)));
            assertEquals(invoice, eventId(got.get(1)));
            assertEquals(added, eventId(got.get(2)));
            assertEquals(refund, eventId(got.get(4)));
            JsonObject first = new JsonObject(got.get(0).data());
            assertEquals("order.created", first.getString("type"));
            assertEquals(1, first.getJsonObject("data").getInteger("n"));
            assertNotNull(got.get(0).id(), "every event carries an id: to resume from");

            assertEquals(List.of(created, added, refund), eventIds(orders.take(3, SOON)), "types: order.* and one exact type");
            assertTrue(all.drain(Duration.ofMillis(700)).isEmpty(), "the other tenant's event never appears");
            assertTrue(orders.drain(Duration.ofMillis(100)).isEmpty());
        }
    }

    @Test
    @DisplayName("SSE: the admin token sees every tenant's events")
    void adminSeesAll() {
        Tenants a = Tenants.create(first, "stream-admin-a");
        Tenants b = Tenants.create(first, "stream-admin-b");
        Api admin = new Api(second.httpPort(), second.adminToken());
        try (SseClient client = stream(admin, "?types=admin.seen", null)) {
            publish(a.api(), "admin.seen", "a");
            publish(b.api(), "admin.seen", "b");
            List<String> data = client.take(2, SOON).stream().map(m -> new JsonObject(m.data()).getString("data")).toList();
            assertEquals(List.of("a", "b"), data);
        }
    }

    @Test
    @DisplayName("SSE: reconnecting with Last-Event-ID resumes right after that event, including events written while away")
    void resume() {
        Tenants tenant = Tenants.create(first, "stream-resume");
        List<String> published = new ArrayList<>();
        String resumeFrom;
        try (SseClient client = stream(tenant.api(), "?types=resume.*", null)) {
            published.add(publish(tenant.api(), "resume.a", 0));
            published.add(publish(tenant.api(), "resume.a", 1));
            List<SseClient.Message> got = client.take(2, SOON);
            assertEquals(published, eventIds(got));
            resumeFrom = got.get(0).id();
        }
        for (int i = 2; i < 5; i++) {
            published.add(publish(tenant.api(), "resume.b", i));
        }
        try (SseClient again = stream(tenant.api(), "?types=resume.*", resumeFrom)) {
            assertEquals(published.subList(1, 5), eventIds(again.take(4, SOON)));
            published.add(publish(tenant.api(), "resume.c", 5));
            assertEquals(published.get(5), eventId(again.next(SOON)), "and then goes on live");
            assertTrue(again.drain(Duration.ofMillis(500)).isEmpty(), "nothing twice");
        }
        // The same cursor as a query parameter, for clients that cannot set the header.
        try (SseClient byParam = stream(tenant.api(), "?types=resume.*&after=" + resumeFrom, null)) {
            assertEquals(published.subList(1, 6), eventIds(byParam.take(5, SOON)));
        }
    }

    @Test
    @DisplayName("SSE: a client killed and restarted mid-stream, while events keep coming, misses nothing and sees nothing twice")
    void killedMidStream() throws Exception {
        Tenants tenant = Tenants.create(first, "stream-kill");
        int total = 300;
        List<String> published = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> seen = new ArrayList<>();
        SseClient client = stream(tenant.api(), "", null);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < total; i++) {
                // Half through each instance: both write into the one order.
                Api api = i % 2 == 0 ? tenant.api() : tenant.api().onPort(second.httpPort());
                published.add(publish(api, "kill.tick", i));
            }
        });
        String last = null;
        int kills = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (seen.size() < total && System.nanoTime() < deadline) {
            SseClient.Message message;
            try {
                message = client.next(Duration.ofSeconds(15));
            } catch (AssertionError e) {
                break;
            }
            seen.add(eventId(message));
            last = message.id();
            if (seen.size() % 70 == 0) {
                // Killed mid-stream, restarted from the last id it received, alternating instances.
                client.close();
                kills++;
                int port = kills % 2 == 0 ? first.httpPort() : second.httpPort();
                client = stream(tenant.api().onPort(port), "", last);
            }
        }
        publisher.get(60, TimeUnit.SECONDS);
        client.close();
        assertTrue(kills >= 3, "the client was killed " + kills + " times");
        assertEquals(published, seen, "every event once, in publish order");
    }

    @Test
    @DisplayName("two instances: events written through one reach streams on the other at once (NOTIFY, not the 5 s safety poll)")
    void acrossInstances() {
        Tenants tenant = Tenants.create(first, "stream-two");
        try (SseClient onSecond = stream(tenant.api().onPort(second.httpPort()), "", null)) {
            awaitLive(tenant.api(), onSecond);
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                String id = publish(tenant.api(), "two.instances", i);
                assertEquals(id, eventId(onSecond.next(Duration.ofMillis(2_500))));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 2_500, "arrived after " + millis + " ms");
            }
        }
    }

    @Test
    @DisplayName("SSE: a heartbeat comment arrives on an idle stream at the configured interval")
    void heartbeat() {
        Tenants tenant = Tenants.create(first, "stream-heartbeat");
        try (SseClient client = stream(tenant.api(), "", null)) {
            int before = client.comments();
            Receiver.await("three heartbeats", Duration.ofSeconds(5), () -> client.comments() >= before + 3);
            assertFalse(client.ended());
        }
    }

    @Test
    @DisplayName("SSE: a client that stops reading is disconnected once its buffer is full, and resumes by cursor")
    void slowClient() throws Exception {
        Tenants tenant = Tenants.create(first, "stream-slow");
        String big = "x".repeat(60_000);
        long published = 0;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", first.httpPort()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + tenant.api().token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            String firstId = null;
            for (int i = 0; i < 250; i++) {
                String id = publish(tenant.api(), "slow.big", big);
                firstId = firstId == null ? id : firstId;
                published += big.length();
            }
            Thread.sleep(2_000);
            // Now read everything the server kept for this client: the stream must have been cut.
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            long received = 0;
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received += n;
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the stream of a client that stopped reading open ("
                        + received + " bytes received)");
            } catch (IOException reset) {
                // a reset is a close too
            }
            assertTrue(received < published, "the server dropped the client instead of queueing "
                    + published + " bytes (it sent " + received + ")");
            assertNotNull(firstId);
        }
        // The service is fine and the client can resume: a new stream from now sees new events.
        try (SseClient client = stream(tenant.api(), "", null)) {
            awaitLive(tenant.api(), client);
        }
    }

    @Test
    @DisplayName("an event whose lower seq commits after a higher one was already readable is not skipped (xid horizon)")
    void outOfOrderCommits() throws Exception {
        Tenants tenant = Tenants.create(first, "stream-commit-order");
        UUID tenantId = UUID.fromString(tenant.tenantId());
        String insert = "INSERT INTO events (tenant_id, type, data) VALUES ($1, $2, '{}'::jsonb) RETURNING id, seq";
        try (SseClient client = stream(tenant.api(), "?types=commit.*", null)) {
            awaitLiveTyped(tenant.api(), client);
            String start = tenant.api().get("/v1/events?wait=0").json().getString("next_cursor");
            SqlConnection early = first.pool().getConnection().await(10, TimeUnit.SECONDS);
            SqlConnection late = first.pool().getConnection().await(10, TimeUnit.SECONDS);
            try {
                Transaction slow = early.begin().await(10, TimeUnit.SECONDS);
                var lowRow = early.preparedQuery(insert).execute(Tuple.of(tenantId, "commit.low")).await(10, TimeUnit.SECONDS).iterator().next();
                Transaction fast = late.begin().await(10, TimeUnit.SECONDS);
                var highRow = late.preparedQuery(insert).execute(Tuple.of(tenantId, "commit.high")).await(10, TimeUnit.SECONDS).iterator().next();
                assertTrue(lowRow.getLong("seq") < highRow.getLong("seq"));
                fast.commit().await(10, TimeUnit.SECONDS);

                // The higher seq is committed and visible, but the lower one may still commit: nothing yet.
                Api.Response poll = tenant.api().get("/v1/events?after=" + start + "&wait=1");
                assertEquals(200, poll.status(), poll::toString);
                List<String> seenByPoll = new ArrayList<>();
                poll.json().getJsonArray("data").forEach(e -> seenByPoll.add(((JsonObject) e).getString("id")));
                String next = poll.json().getString("next_cursor");
                assertTrue(client.drain(Duration.ofMillis(300)).isEmpty(), "the stream waits for the older transaction");

                slow.commit().await(10, TimeUnit.SECONDS);
                List<String> streamed = eventIds(client.take(2, SOON));
                assertEquals(List.of(lowRow.getUUID("id").toString(), highRow.getUUID("id").toString()), streamed,
                        "both events, in commit-safe order");
                Api.Response after = tenant.api().get("/v1/events?after=" + next + "&wait=5");
                after.json().getJsonArray("data").forEach(e -> seenByPoll.add(((JsonObject) e).getString("id")));
                assertEquals(Set.copyOf(streamed), Set.copyOf(seenByPoll), "the long poll, resuming by cursor, misses neither");
                assertEquals(2, seenByPoll.size());
            } finally {
                early.close();
                late.close();
            }
        }
    }

    @Test
    @DisplayName("a long transaction in another database of the server does not hold streams back")
    void otherDatabaseTransaction() throws Exception {
        Tenants tenant = Tenants.create(first, "stream-elsewhere");
        io.vertx.sqlclient.Pool elsewhere = io.hookrelay.db.Database.pool(first.vertx(),
                TestDatabase.get("streams-elsewhere").url(), 1);
        SqlConnection connection = elsewhere.getConnection().await(10, TimeUnit.SECONDS);
        try (SseClient client = stream(tenant.api(), "", null)) {
            Transaction open = connection.begin().await(10, TimeUnit.SECONDS);
            // Takes a transaction id, as any write would, and keeps it while the test publishes.
            connection.query("SELECT pg_current_xact_id()").execute().await(10, TimeUnit.SECONDS);
            String id = publish(tenant.api(), "elsewhere.event", 1);
            assertEquals(id, eventId(client.next(Duration.ofSeconds(5))));
            Api.Response poll = tenant.api().get("/v1/events?wait=0");
            assertEquals(200, poll.status(), poll::toString);
            open.rollback().await(10, TimeUnit.SECONDS);
        } finally {
            connection.close();
            elsewhere.close();
        }
    }

    private static void awaitLiveTyped(Api api, SseClient client) {
        // The stream's filter hides markers, so wait for registration through a matching type instead.
        String marker = publish(api, "commit.marker", "marker");
        assertEquals(marker, eventId(client.next(SOON)));
    }

    @Test
    @DisplayName("long poll: answers at once when an event exists after the cursor")
    void longPollImmediate() {
        Tenants tenant = Tenants.create(first, "poll-now");
        String start = tenant.api().get("/v1/events?wait=0").json().getString("next_cursor");
        assertNotNull(start);
        String a = publish(tenant.api(), "poll.now", 1);
        String b = publish(tenant.api(), "poll.now", 2);
        long t0 = System.nanoTime();
        Api.Response answer = tenant.api().get("/v1/events?after=" + start + "&wait=20");
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000);
        assertEquals(200, answer.status(), answer::toString);
        assertEquals(List.of(a, b), ids(answer.json().getJsonArray("data")));
        // limit pages in order, and the cursor continues exactly.
        Api.Response one = tenant.api().get("/v1/events?after=" + start + "&wait=0&limit=1");
        assertEquals(List.of(a), ids(one.json().getJsonArray("data")));
        Api.Response rest = tenant.api().get("/v1/events?after=" + one.json().getString("next_cursor") + "&wait=0");
        assertEquals(List.of(b), ids(rest.json().getJsonArray("data")));
    }

    @Test
    @DisplayName("long poll: waits, then answers as soon as an event is written (through the other instance)")
    void longPollWaits() throws Exception {
        Tenants tenant = Tenants.create(first, "poll-wait");
        String start = tenant.api().get("/v1/events?wait=0").json().getString("next_cursor");
        AtomicBoolean answered = new AtomicBoolean();
        long t0 = System.nanoTime();
        CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(() -> {
            Api.Response response = tenant.api().get("/v1/events?after=" + start + "&wait=25&type=poll.*");
            answered.set(true);
            return response;
        });
        Thread.sleep(800);
        assertFalse(answered.get(), "no event yet: the poll waits");
        publish(tenant.api().onPort(second.httpPort()), "other.type", 0);
        Thread.sleep(300);
        assertFalse(answered.get(), "an event of another type does not end the wait");
        String id = publish(tenant.api().onPort(second.httpPort()), "poll.wait", 1);
        Api.Response answer = poll.get(10, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(List.of(id), ids(answer.json().getJsonArray("data")));
        assertTrue(millis < 8_000, "answered " + millis + " ms after the start, not at the end of the wait");
    }

    @Test
    @DisplayName("long poll: an empty answer when the wait ends, with a cursor that continues from there")
    void longPollTimeout() {
        Tenants tenant = Tenants.create(first, "poll-timeout");
        String early = publish(tenant.api(), "poll.early", 0);
        long t0 = System.nanoTime();
        Api.Response answer = tenant.api().get("/v1/events?wait=1");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(200, answer.status(), answer::toString);
        assertTrue(answer.json().getJsonArray("data").isEmpty(), "from now: the earlier event is not repeated");
        assertTrue(millis >= 900, "waited " + millis + " ms");
        String next = answer.json().getString("next_cursor");
        String later = publish(tenant.api(), "poll.later", 1);
        Api.Response after = tenant.api().get("/v1/events?after=" + next);
        assertEquals(List.of(later), ids(after.json().getJsonArray("data")));
        assertFalse(ids(after.json().getJsonArray("data")).contains(early));
    }

    @Test
    @DisplayName("bad stream and long-poll parameters answer 400 problems; no key answers 401")
    void badParameters() {
        Tenants tenant = Tenants.create(first, "stream-bad");
        Api api = tenant.api();
        for (String query : new String[] {"wait=31", "wait=-1", "wait=abc", "wait=1.5", "wait=", "after=nonsense",
                "after=" + java.util.Base64.getUrlEncoder().encodeToString("e1.x.1".getBytes(StandardCharsets.US_ASCII)),
                "after=%00", "wait=1&cursor=abc", "wait=1&since=2024-01-01T00:00:00Z", "wait=0&type=a,,b"}) {
            assertProblem(api.get("/v1/events?" + query), 400);
        }
        for (String query : new String[] {"?types=a,,b", "?types=" + "a".repeat(200), "?after=garbage"}) {
            SseClient client = SseClient.connect(api.port(), api.token(), "/v1/events/stream" + query, null);
            assertEquals(400, client.status(), query);
            assertEquals("application/problem+json", client.header("content-type"));
        }
        SseClient badHeader = SseClient.connect(api.port(), api.token(), "/v1/events/stream", "not-a-cursor");
        assertEquals(400, badHeader.status());
        assertTrue(badHeader.errorBody().contains("Last-Event-ID"), badHeader.errorBody());
        SseClient anonymous = SseClient.connect(api.port(), null, "/v1/events/stream", null);
        assertEquals(401, anonymous.status());
        SseClient wrongKey = SseClient.connect(api.port(), "hr_not_a_key", "/v1/events/stream", null);
        assertEquals(401, wrongKey.status());
        assertProblem(api.as(null).get("/v1/events?wait=1"), 401);
    }

    @Test
    @DisplayName("open streams end when the service stops, without holding up its shutdown")
    void shutdownEndsStreams() {
        Map<String, String> settings = Map.of("HOOKRELAY_DATABASE_URL", TestDatabase.get("streams").url().toUrl(),
                "HOOKRELAY_DELIVERY_ENABLED", "false", "HOOKRELAY_POLLER_ENABLED", "false");
        Application third = TestService.start(settings);
        Tenants tenant = Tenants.create(first, "stream-shutdown");
        Api onThird = tenant.api().onPort(third.httpPort());
        SseClient client = stream(onThird, "", null);
        CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(() -> onThird.get("/v1/events?wait=30"));
        awaitLive(tenant.api(), client);
        long t0 = System.nanoTime();
        third.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Receiver.await("the stream ended", Duration.ofSeconds(5), client::ended);
        assertTrue(millis < 5_000, "stopping took " + millis + " ms");
        Api.Response answered = poll.join();
        assertEquals(200, answered.status(), answered::toString);
        client.close();
    }

    private static List<String> ids(JsonArray data) {
        List<String> ids = new ArrayList<>();
        data.forEach(e -> ids.add(((JsonObject) e).getString("id")));
        return ids;
    }

    @SuppressWarnings("unused")
    private static Set<String> unique(List<String> ids) {
        return new HashSet<>(ids);
    }
}
