package io.hookrelay.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * An event the API accepts is written with its deliveries, in the same commit, for exactly the subscriptions
 * the dispatcher would have chosen: the delivery engine is off here, so whatever exists after the 202 was
 * written by the publish itself.
 */
class PublishFanOutTest {

    static Application app;
    static Tenants tenant;
    static Tenants other;
    static String orders;
    static String everything;
    static String invoices;
    static String disabled;
    static String theirs;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        tenant = Tenants.create(app, "fan-out");
        other = Tenants.create(app, "fan-out-other");
        orders = subscribe(tenant, new JsonArray().add("order.*"));
        everything = subscribe(tenant, new JsonArray());
        invoices = subscribe(tenant, new JsonArray().add("invoice.paid"));
        disabled = subscribe(tenant, new JsonArray().add("order.*"));
        Api.Response off = tenant.api().post("/v1/subscriptions/" + disabled + "/disable", new JsonObject().put("reason", "test"));
        assertEquals(200, off.status(), off::toString);
        theirs = subscribe(other, new JsonArray());
    }

    private static String subscribe(Tenants who, JsonArray types) {
        return who.subscribe("https://93.184.216.34/hooks", new JsonObject().put("event_types", types)).getString("id");
    }

    private static Set<String> deliveredTo(String eventId) {
        Set<String> subscriptions = new TreeSet<>();
        try (Connection conn = connect(); Statement statement = conn.createStatement();
             var rows = statement.executeQuery("SELECT subscription_id, status, attempts FROM deliveries WHERE event_id = '"
                     + eventId + "'")) {
            while (rows.next()) {
                assertEquals("pending", rows.getString("status"));
                assertEquals(0, rows.getInt("attempts"));
                subscriptions.add(rows.getString("subscription_id"));
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return subscriptions;
    }

    private static Connection connect() throws Exception {
        var url = TestDatabase.get().url();
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    private static long undispatched(String eventId) {
        return TestDatabase.get().count("SELECT count(*) FROM events WHERE id = '" + eventId + "' AND dispatched_at IS NULL");
    }

    @Test
    @DisplayName("a published event comes back from its 202 with its deliveries written: matching, active, own subscriptions only")
    void singleEvent() {
        String order = tenant.publish("order.created", new JsonObject().put("n", 1)).getString("id");
        assertEquals(new TreeSet<>(List.of(orders, everything)), deliveredTo(order));
        assertEquals(0, undispatched(order), "written dispatched: the dispatcher has nothing left to do for it");

        String invoice = tenant.publish("invoice.paid", 2).getString("id");
        assertEquals(new TreeSet<>(List.of(invoices, everything)), deliveredTo(invoice));

        String unmatched = tenant.publish("user.created", 3).getString("id");
        assertEquals(Set.of(everything), deliveredTo(unmatched));
    }

    @Test
    @DisplayName("subscription_ids narrow the fan-out to the subscriptions named, and still only to matching active ones")
    void targeted() {
        Api.Response accepted = tenant.api().post("/v1/events", new JsonObject().put("type", "order.paid").put("data", 1)
                .put("subscription_ids", new JsonArray().add(orders).add(invoices).add(disabled)));
        assertEquals(202, accepted.status(), accepted::toString);
        assertEquals(Set.of(orders), deliveredTo(accepted.json().getString("id")),
                "invoices does not match order.paid and the disabled one gets nothing");
    }

    @Test
    @DisplayName("a batch writes every item's deliveries with it, idempotency keys or not, and a replay writes none again")
    void batch() {
        JsonArray items = new JsonArray()
                .add(new JsonObject().put("type", "order.created").put("data", 1))
                .add(new JsonObject().put("type", "invoice.paid").put("data", 2).put("idempotency_key", "fan-1"))
                .add(new JsonObject().put("type", "order.paid").put("data", 3)
                        .put("subscription_ids", new JsonArray().add(everything)));
        JsonObject body = new JsonObject().put("events", items);
        Api.Response first = tenant.api().post("/v1/events/batch", body);
        assertEquals(202, first.status(), first::toString);
        List<String> ids = new ArrayList<>();
        first.json().getJsonArray("data").forEach(r -> ids.add(((JsonObject) r).getJsonObject("event").getString("id")));
        assertEquals(new TreeSet<>(List.of(orders, everything)), deliveredTo(ids.get(0)));
        assertEquals(new TreeSet<>(List.of(invoices, everything)), deliveredTo(ids.get(1)));
        assertEquals(Set.of(everything), deliveredTo(ids.get(2)));

        long before = TestDatabase.get().count("SELECT count(*) FROM deliveries WHERE tenant_id = '" + tenant.tenantId() + "'");
        Api.Response replay = tenant.api().post("/v1/events/batch", new JsonObject().put("events", new JsonArray()
                .add(new JsonObject().put("type", "invoice.paid").put("data", 2).put("idempotency_key", "fan-1"))));
        assertEquals(202, replay.status(), replay::toString);
        assertEquals(ids.get(1), replay.json().getJsonArray("data").getJsonObject(0).getJsonObject("event").getString("id"));
        assertEquals(before, TestDatabase.get().count("SELECT count(*) FROM deliveries WHERE tenant_id = '"
                + tenant.tenantId() + "'"), "the replayed item is the first event, with the deliveries it already has");
    }

    @Test
    @DisplayName("another tenant's publish makes no delivery for this tenant's subscriptions, nor the other way round")
    void tenantsApart() {
        String mine = tenant.publish("order.created", 1).getString("id");
        String theirsEvent = other.publish("order.created", 1).getString("id");
        assertTrue(!deliveredTo(mine).contains(theirs));
        assertEquals(Set.of(theirs), deliveredTo(theirsEvent));
    }

    @Test
    @DisplayName("events written dispatched wake readers with an empty payload; an undispatched one also says so, for the dispatcher")
    void notifications() throws Exception {
        try (Connection conn = connect(); Statement statement = conn.createStatement()) {
            statement.execute("LISTEN hookrelay_events");
            tenant.publish("order.created", 1);
            List<String> published = payloads(conn);
            assertEquals(List.of(""), published);

            statement.execute("INSERT INTO events (tenant_id, type, data) VALUES ('" + tenant.tenantId()
                    + "', 'order.created', '1'), ('" + tenant.tenantId() + "', 'order.created', '2')");
            List<String> written = payloads(conn);
            assertEquals(Set.of("", "undispatched"), Set.copyOf(written), written::toString);
            assertEquals(2, written.size(), "one of each for the statement, however many rows it wrote: " + written);
        }
    }

    /** The notifications that have arrived by the time a marker sent after them arrives. */
    private static List<String> payloads(Connection conn) throws Exception {
        try (Statement marker = conn.createStatement()) {
            marker.execute("SELECT pg_notify('hookrelay_events', 'end-of-test-marker')");
        }
        List<String> payloads = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            PGNotification[] notifications = conn.unwrap(PGConnection.class).getNotifications(1_000);
            if (notifications == null) {
                continue;
            }
            for (PGNotification notification : notifications) {
                if (notification.getParameter().equals("end-of-test-marker")) {
                    return payloads;
                }
                payloads.add(notification.getParameter());
            }
        }
        throw new AssertionError("the marker notification never arrived; so far: " + payloads);
    }
}
