package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.ServiceProcess;
import io.hookrelay.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the service with SIGKILL while thousands of deliveries are in flight, starts it again, and
 * checks that every event arrives and that the only repeats are deliveries that were in flight.
 */
class DeliveryCrashTest {

    static final int EVENTS = 3000;
    private static final String ADMIN_TOKEN = "crash-admin-token-0123456789";

    @TempDir
    Path dataDir;

    @Test
    @DisplayName("after a SIGKILL mid-delivery every event still arrives, and only in-flight ones arrive twice")
    void survivesKill() throws Exception {
        TestDatabase db = TestDatabase.get("crash");
        Map<String, String> settings = settings(db, Map.of(
                "HOOKRELAY_DELIVERY_TIMEOUT", "PT2S",
                "HOOKRELAY_DELIVERY_LEASE", "PT5S",
                "HOOKRELAY_RETRY_INITIAL_MS", "100",
                "HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION", "64"));
        Vertx vertx = Vertx.vertx();
        int port = ServiceProcess.freePort();
        Map<String, Integer> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
        try (Receiver receiver = Receiver.start(vertx, (n, request, v) -> {
            arrivals.merge(request.getHeader("webhook-id"), 1, Integer::sum);
            // Slow enough that many deliveries are in flight when the kill comes.
            v.setTimer(50, id -> request.response().setStatusCode(200).end());
        })) {
            ServiceProcess first = ServiceProcess.start(settings, port, dataDir.resolve("first.log"));
            Api admin = new Api(port, ADMIN_TOKEN);
            String tenantId = admin.post("/v1/tenants", new JsonObject().put("name", "crash")).json().getString("id");
            Api tenant = admin.as(admin.post("/v1/tenants/" + tenantId + "/api-keys", null).json().getString("key"));
            Api.Response subscription = tenant.post("/v1/subscriptions", new JsonObject().put("url", receiver.url()));
            assertEquals(201, subscription.status());
            String path = "/v1/subscriptions/" + subscription.json().getString("id");

            // Publishing one by one is slower than delivering, so the events are written while the
            // subscription is disabled and then all queued at once by a recover.
            String since = java.time.Instant.now().minusSeconds(5).toString();
            assertEquals(200, tenant.post(path + "/disable", null).status());
            Set<String> published = new HashSet<>();
            for (int i = 0; i < EVENTS; i++) {
                published.add(tenant.post("/v1/events", new JsonObject().put("type", "crash.test").put("data", i))
                        .json().getString("id"));
            }
            Receiver.await("every event dispatched", Duration.ofSeconds(60),
                    () -> db.count("SELECT count(*) FROM events WHERE dispatched_at IS NULL") == 0);
            assertEquals(200, tenant.post(path + "/enable", null).status());
            Api.Response recovered = tenant.post(path + "/recover", new JsonObject().put("since", since));
            assertEquals(EVENTS, recovered.json().getInteger("queued"), recovered::toString);
            Receiver.await("some deliveries before the kill", Duration.ofSeconds(60), () -> arrivals.size() >= 200);
            first.kill();
            Thread.sleep(500); // requests already on the wire when the process died reach the receiver by now

            // In flight at the kill: sent (the receiver saw it) but its outcome not recorded (still pending).
            Map<String, Integer> beforeRestart = new HashMap<>(arrivals);
            Set<String> inFlight = new HashSet<>(pendingEvents(db));
            inFlight.retainAll(beforeRestart.keySet());
            assertTrue(beforeRestart.size() < EVENTS, "the kill came while work remained");
            assertTrue(inFlight.size() < beforeRestart.size(), "most of what arrived before the kill was recorded");

            ServiceProcess second = ServiceProcess.start(settings, port, dataDir.resolve("second.log"));
            try {
                Receiver.await("every event delivered", Duration.ofSeconds(120), () -> arrivals.keySet().containsAll(published));
                Receiver.await("every delivery recorded", Duration.ofSeconds(60), () -> db.count(
                        "SELECT count(*) FROM deliveries WHERE status = 'succeeded'") == EVENTS);
            } finally {
                second.stop();
            }
            Set<String> repeated = new HashSet<>();
            arrivals.forEach((id, count) -> {
                if (count > 1) {
                    repeated.add(id);
                }
            });
            assertTrue(inFlight.containsAll(repeated), "repeats " + repeated.size() + " are all among the "
                    + inFlight.size() + " deliveries in flight at the kill");
            assertEquals(published, arrivals.keySet(), "nothing lost, nothing unknown");
        } finally {
            vertx.close();
        }
    }

    @Test
    @DisplayName("a crash repeats at most max_in_flight + 64 deliveries per subscription, even when outcomes cannot be written, and delivery resumes at once after the restart")
    void repeatsAreBounded() throws Exception {
        TestDatabase db = TestDatabase.get("crash-bound");
        Map<String, String> settings = settings(db, Map.of());
        int cap = 8; // the default HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION
        int events = 200;
        Vertx vertx = Vertx.vertx();
        int port = ServiceProcess.freePort();
        List<String> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Receiver receiver = Receiver.start(vertx, (n, request, v) -> {
            arrivals.add(request.getHeader("webhook-id"));
            request.response().setStatusCode(200).end();
        })) {
            ServiceProcess first = ServiceProcess.start(settings, port, dataDir.resolve("bound-first.log"));
            Api admin = new Api(port, ADMIN_TOKEN);
            String tenantId = admin.post("/v1/tenants", new JsonObject().put("name", "bound")).json().getString("id");
            Api tenant = admin.as(admin.post("/v1/tenants/" + tenantId + "/api-keys", null).json().getString("key"));
            Api.Response subscription = tenant.post("/v1/subscriptions", new JsonObject().put("url", receiver.url()));
            assertEquals(201, subscription.status());
            String subscriptionId = subscription.json().getString("id");

            var url = db.url();
            Set<String> published = new HashSet<>();
            try (Connection blocker = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
                // The outcome writer locks the subscription first: while this share lock is held it writes nothing,
                // so every answered delivery stays unwritten, as when the database is slow.
                blocker.setAutoCommit(false);
                try (Statement statement = blocker.createStatement()) {
                    statement.execute("SELECT id FROM subscriptions WHERE id = '" + subscriptionId + "' FOR SHARE");
                }
                for (int i = 0; i < events; i++) {
                    published.add(tenant.post("/v1/events", new JsonObject().put("type", "bound.test").put("data", i))
                            .json().getString("id"));
                }
                try {
                    Receiver.await("the sender stops at its bound", Duration.ofSeconds(30), () -> arrivals.size() >= SenderQueue.unwrittenBound(cap));
                    Thread.sleep(2000);
                    assertEquals(SenderQueue.unwrittenBound(cap), arrivals.size(),
                            "with nothing written, the receiver got exactly the bound and no more");
                } finally {
                    first.kill();
                    blocker.rollback();
                }
            }
            Set<String> beforeKill = new HashSet<>(arrivals);

            ServiceProcess second = ServiceProcess.start(settings, port, dataDir.resolve("bound-second.log"));
            long ready = System.nanoTime();
            int seenAtReady = arrivals.size();
            try {
                Receiver.await("a delivery after the restart", Duration.ofSeconds(30), () -> arrivals.size() > seenAtReady);
                Duration resumed = Duration.ofNanos(System.nanoTime() - ready);
                System.out.println("[crash] first delivery " + resumed.toMillis() + " ms after the restarted service was ready");
                assertTrue(resumed.compareTo(Duration.ofSeconds(2)) < 0,
                        "the killed instance's queue lease did not hold the restart up: " + resumed.toMillis() + " ms");
                Receiver.await("every delivery recorded", Duration.ofSeconds(60), () -> db.count(
                        "SELECT count(*) FROM deliveries WHERE status = 'succeeded'") == events);
            } finally {
                second.stop();
            }
            Map<String, Integer> counts = new HashMap<>();
            arrivals.forEach(id -> counts.merge(id, 1, Integer::sum));
            Set<String> repeated = new HashSet<>();
            counts.forEach((id, count) -> {
                if (count > 1) {
                    repeated.add(id);
                }
            });
            assertEquals(beforeKill, repeated, "exactly the sent-but-unwritten deliveries went twice, with the same webhook-id");
            assertEquals(events, counts.size(), "nothing lost");
        } finally {
            vertx.close();
        }
    }

    /** An external database, fixed credentials so a restart finds its secrets, and {@code extra}. */
    private Map<String, String> settings(TestDatabase db, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "HOOKRELAY_DATABASE_URL", db.url().toUrl(),
                "HOOKRELAY_DATA_DIR", dataDir.toString(),
                "HOOKRELAY_ADMIN_TOKEN", ADMIN_TOKEN,
                "HOOKRELAY_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true"));
        settings.putAll(extra);
        return settings;
    }

    /** Events whose delivery is not completed. */
    private static Set<String> pendingEvents(TestDatabase db) throws Exception {
        var url = db.url();
        Set<String> ids = new HashSet<>();
        try (Connection conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             Statement statement = conn.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT event_id FROM deliveries WHERE status = 'pending'")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
