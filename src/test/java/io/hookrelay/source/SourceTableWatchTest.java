package io.hookrelay.source;

import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.source.SourceDb.StoredEvent;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Table watches: a trigger writes each row change into the outbox, in the transaction of the change. */
class SourceTableWatchTest {

    static Application app;
    static Api admin;
    static Tenants shop;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        admin = new Api(app.httpPort(), app.adminToken());
        shop = Tenants.create(app, "table-watcher");
    }

    static JsonObject watchBody(Tenants tenant, String table) {
        return new JsonObject().put("kind", "table").put("tenant_id", tenant.tenantId()).put("table", table);
    }

    static JsonObject watch(JsonObject body) {
        Api.Response created = admin.post("/v1/sources", body);
        assertEquals(201, created.status(), created::toString);
        return created.json();
    }

    static JsonObject json(String text) {
        return new JsonObject(text);
    }

    @Test
    @DisplayName("an INSERT, an UPDATE and a DELETE each write one event carrying the row, typed <table>.created/.updated/.deleted")
    void insertUpdateDelete() {
        String table = SourceDb.scratchTable("orders");
        JsonObject source = watch(watchBody(shop, table));
        assertEquals("table", source.getString("kind"));
        assertEquals(shop.tenantId(), source.getString("tenant_id"));
        assertEquals("public." + table, source.getString("table"));
        assertEquals(new JsonArray().add("insert").add("update").add("delete"), source.getJsonArray("operations"));
        assertEquals(table, source.getString("event_type_prefix"), "the prefix defaults to the table name");
        assertNull(source.getString("url"));
        assertNull(source.getString("next_poll_at"), "a table watch is never polled");

        SourceDb.execute("INSERT INTO " + table + " (status, total) VALUES ('new', 10.5)");
        SourceDb.execute("UPDATE " + table + " SET status = 'paid' WHERE id = 1");
        SourceDb.execute("DELETE FROM " + table + " WHERE id = 1");

        String id = source.getString("id");
        List<StoredEvent> events = SourceDb.events(id);
        assertEquals(List.of(table + ".created", table + ".updated", table + ".deleted"),
                events.stream().map(StoredEvent::type).toList());
        events.forEach(event -> assertEquals(shop.tenantId(), event.tenantId()));
        String qualified = "\"public." + table + "\"";
        assertEquals(json("""
                {"operation": "insert", "table": %s, "new": {"id": 1, "status": "new", "total": 10.5}}
                """.formatted(qualified)), events.get(0).data());
        assertEquals(json("""
                {"operation": "update", "table": %s, "new": {"id": 1, "status": "paid", "total": 10.5},
                 "changes": {"status": {"old": "new", "new": "paid"}}}
                """.formatted(qualified)), events.get(1).data(), "only the changed column is listed in changes");
        assertEquals(json("""
                {"operation": "delete", "table": %s, "old": {"id": 1, "status": "paid", "total": 10.5}}
                """.formatted(qualified)), events.get(2).data());
    }

    @Test
    @DisplayName("an UPDATE that leaves every value as it was writes no event")
    void unchangedUpdateIsSilent() {
        String table = SourceDb.scratchTable("orders");
        String id = watch(watchBody(shop, table)).getString("id");
        SourceDb.execute("INSERT INTO " + table + " (status, total) VALUES ('new', 1)");
        SourceDb.execute("UPDATE " + table + " SET status = status, total = total");
        SourceDb.execute("UPDATE " + table + " SET status = 'new' WHERE id = 1");
        assertEquals(List.of(table + ".created"), SourceDb.events(id).stream().map(StoredEvent::type).toList());
    }

    @Test
    @DisplayName("the event commits with the change: invisible before COMMIT, and gone with a ROLLBACK")
    void sameTransactionAsTheChange() throws Exception {
        String table = SourceDb.scratchTable("orders");
        String id = watch(watchBody(shop, table)).getString("id");
        try (Connection conn = SourceDb.connect(); Statement statement = conn.createStatement()) {
            conn.setAutoCommit(false);
            statement.execute("INSERT INTO " + table + " (status) VALUES ('abandoned')");
            statement.execute("UPDATE " + table + " SET status = 'still abandoned'");
            conn.rollback();

            statement.execute("INSERT INTO " + table + " (status) VALUES ('kept')");
            assertEquals(0, SourceDb.events(id).size(), "another connection sees nothing before COMMIT");
            conn.commit();
        }
        List<StoredEvent> events = SourceDb.events(id);
        assertEquals(1, events.size(), events::toString);
        assertEquals("kept", events.get(0).data().getJsonObject("new").getString("status"));
    }

    @Test
    @DisplayName("only the chosen operations become events, typed with the chosen prefix")
    void operationsAndPrefix() {
        String table = SourceDb.scratchTable("invoices");
        JsonObject source = watch(watchBody(shop, table)
                .put("operations", new JsonArray().add("delete").add("update").add("delete"))
                .put("event_type_prefix", "billing.invoice"));
        assertEquals(new JsonArray().add("update").add("delete"), source.getJsonArray("operations"),
                "duplicates dropped, in insert/update/delete order");
        assertEquals("billing.invoice", source.getString("event_type_prefix"));

        SourceDb.execute("INSERT INTO " + table + " (status) VALUES ('draft')");
        SourceDb.execute("UPDATE " + table + " SET total = 99");
        SourceDb.execute("DELETE FROM " + table);
        List<StoredEvent> events = SourceDb.events(source.getString("id"));
        assertEquals(List.of("billing.invoice.updated", "billing.invoice.deleted"), events.stream().map(StoredEvent::type).toList());
        assertEquals(json("{\"total\": {\"old\": null, \"new\": 99}}"), events.get(0).data().getJsonObject("changes"));
    }

    @Test
    @DisplayName("deleting the source drops its trigger; later changes write nothing and the source is gone")
    void deleteRemovesTrigger() {
        String table = SourceDb.scratchTable("orders");
        String id = watch(watchBody(shop, table)).getString("id");
        assertEquals(1, SourceDb.triggersOf(id));

        assertEquals(204, admin.delete("/v1/sources/" + id).status());
        assertEquals(0, SourceDb.triggersOf(id));
        SourceDb.execute("INSERT INTO " + table + " (status) VALUES ('after')");
        assertEquals(0, SourceDb.events(id).size());
        assertEquals(404, admin.get("/v1/sources/" + id).status());
        assertEquals(404, admin.delete("/v1/sources/" + id).status());
        assertEquals(201, admin.post("/v1/sources", watchBody(shop, table)).status(), "the table can be watched again");
    }

    @Test
    @DisplayName("deleting a watch whose table was dropped, or renamed, still works")
    void deleteAfterTableChanged() {
        String dropped = SourceDb.scratchTable("gone");
        String droppedId = watch(watchBody(shop, dropped)).getString("id");
        SourceDb.execute("DROP TABLE " + dropped);
        assertEquals(204, admin.delete("/v1/sources/" + droppedId).status());
        assertEquals(404, admin.get("/v1/sources/" + droppedId).status());

        String renamed = SourceDb.scratchTable("before");
        String renamedId = watch(watchBody(shop, renamed)).getString("id");
        SourceDb.execute("ALTER TABLE " + renamed + " RENAME TO " + renamed + "_after");
        assertEquals(204, admin.delete("/v1/sources/" + renamedId).status());
        assertEquals(0, SourceDb.triggersOf(renamedId), "the trigger is found by name on the renamed table");
    }

    @Test
    @DisplayName("a tenant watches a table once (409 on a second watch); another tenant may watch it too")
    void oneWatchPerTenantAndTable() {
        String table = SourceDb.scratchTable("orders");
        String first = watch(watchBody(shop, table)).getString("id");
        Api.Response again = admin.post("/v1/sources", watchBody(shop, "public." + table).put("operations", new JsonArray().add("insert")));
        assertProblem(again, 409);
        assertEquals(1, SourceDb.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public." + table + "'::regclass"),
                "the refused watch left no trigger");

        Tenants other = Tenants.create(app, "second-watcher");
        String second = watch(watchBody(other, table)).getString("id");
        SourceDb.execute("INSERT INTO " + table + " (status) VALUES ('both see this')");
        assertEquals(other.tenantId(), SourceDb.events(second).get(0).tenantId());
        assertEquals(shop.tenantId(), SourceDb.events(first).get(0).tenantId());
    }

    @Test
    @DisplayName("repeating a create with the same Idempotency-Key answers the first watch and installs one trigger")
    void idempotentCreate() {
        String table = SourceDb.scratchTable("orders");
        Map<String, String> key = Map.of("Idempotency-Key", "watch-" + table);
        Api.Response first = admin.post("/v1/sources", watchBody(shop, table), key);
        Api.Response replay = admin.post("/v1/sources", watchBody(shop, table), key);
        assertEquals(201, first.status(), first::toString);
        assertEquals(201, replay.status(), replay::toString);
        assertEquals("true", replay.header("idempotent-replayed"));
        assertEquals(first.json(), replay.json());
        assertEquals(1, SourceDb.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public." + table + "'::regclass"));
    }

    @Test
    @DisplayName("a watch on a partitioned table sees changes in every partition, and deleting it removes every clone")
    void partitionedTable() {
        String table = "parted_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
        SourceDb.execute("CREATE TABLE " + table + " (id int, region text) PARTITION BY LIST (region)");
        SourceDb.execute("CREATE TABLE " + table + "_eu PARTITION OF " + table + " FOR VALUES IN ('eu')");
        SourceDb.execute("CREATE TABLE " + table + "_us PARTITION OF " + table + " FOR VALUES IN ('us')");
        String id = watch(watchBody(shop, table)).getString("id");
        assertEquals(3, SourceDb.triggersOf(id), "the parent's trigger and one clone per partition");

        SourceDb.execute("INSERT INTO " + table + " VALUES (1, 'eu'), (2, 'us')");
        assertEquals(2, SourceDb.events(id).size());
        assertEquals(204, admin.delete("/v1/sources/" + id).status());
        assertEquals(0, SourceDb.triggersOf(id));
    }

    @Test
    @DisplayName("an application role with no rights on events still gets its changes recorded")
    void writerNeedsNoRightsOnEvents() throws Exception {
        String table = SourceDb.scratchTable("orders");
        String id = watch(watchBody(shop, table)).getString("id");
        String role = "app_writer_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        SourceDb.execute("CREATE ROLE " + role);
        try {
            SourceDb.execute("GRANT INSERT, SELECT ON " + table + " TO " + role);
            SourceDb.execute("GRANT USAGE ON SEQUENCE " + table + "_id_seq TO " + role);
            try (Connection conn = SourceDb.connect(); Statement statement = conn.createStatement()) {
                statement.execute("SET ROLE " + role);
                statement.execute("INSERT INTO " + table + " (status) VALUES ('from the app')");
                assertTrue(statement.executeQuery("SELECT NOT has_table_privilege('events', 'INSERT')").next());
            }
        } finally {
            SourceDb.execute("DROP OWNED BY " + role);
            SourceDb.execute("DROP ROLE " + role);
        }
        assertEquals(1, SourceDb.events(id).size());
    }

    @Test
    @DisplayName("a table held by a long transaction answers 503 after the lock timeout, and nothing is left behind")
    void busyTable() throws Exception {
        String table = SourceDb.scratchTable("busy");
        try (Connection holder = SourceDb.connect(); Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            statement.execute("INSERT INTO " + table + " (status) VALUES ('in a long transaction')");
            Api.Response busy = admin.post("/v1/sources", watchBody(shop, table));
            assertProblem(busy, 503);
            holder.rollback();
        }
        assertEquals(0, SourceDb.count("SELECT count(*) FROM sources WHERE table_name = '" + table + "'"));
        assertEquals(0, SourceDb.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public." + table + "'::regclass"));
        for (int i = 0; i < 12; i++) {
            // More than the pool's connections: none of them was handed back inside a failed transaction.
            assertEquals(200, admin.get("/v1/sources?limit=1").status());
        }
        assertEquals(201, admin.post("/v1/sources", watchBody(shop, table)).status(), "once the table is free, the watch installs");
    }

    @Test
    @DisplayName("watching a table that does not exist answers 404")
    void unknownTable() {
        assertProblem(admin.post("/v1/sources", watchBody(shop, "no_such_table_" + UUID.randomUUID().toString().substring(0, 8))), 404);
        assertProblem(admin.post("/v1/sources", watchBody(shop, "no_such_schema.orders")), 404);
        SourceDb.execute("CREATE OR REPLACE VIEW source_test_view AS SELECT 1 AS one");
        assertProblem(admin.post("/v1/sources", watchBody(shop, "source_test_view")), 404);
    }

    @Test
    @DisplayName("Hookrelay's own tables and PostgreSQL's system tables answer 422")
    void ownAndSystemTables() {
        for (String table : List.of("tenants", "public.events", "sources", "api_keys", "subscriptions", "event_types",
                "idempotency_keys", "settings", "flyway_schema_history", "deliveries", "delivery_attempts",
                "pg_catalog.pg_class", "pg_catalog.pg_authid", "information_schema.tables", "pg_toast.anything")) {
            Api.Response refused = admin.post("/v1/sources", watchBody(shop, table));
            assertProblem(refused, 422);
        }
        assertEquals(0, SourceDb.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'hookrelay_watch_%' AND tgrelid IN "
                + "('tenants'::regclass, 'events'::regclass, 'sources'::regclass)"));
    }

    @Test
    @DisplayName("a tenant key can read its table watch but neither create nor delete one (403)")
    void tenantKeysAndTableWatches() {
        String table = SourceDb.scratchTable("orders");
        Api.Response byTenant = shop.api().post("/v1/sources", new JsonObject().put("kind", "table").put("table", table));
        assertProblem(byTenant, 403);
        assertEquals("table watches need the admin token", byTenant.json().getString("detail"));

        String id = watch(watchBody(shop, table)).getString("id");
        assertEquals(200, shop.api().get("/v1/sources/" + id).status());
        assertProblem(shop.api().delete("/v1/sources/" + id), 403);
        assertEquals(1, SourceDb.triggersOf(id), "the refused delete left the trigger in place");

        Tenants stranger = Tenants.create(app, "stranger");
        assertProblem(stranger.api().get("/v1/sources/" + id), 404);
        assertProblem(stranger.api().delete("/v1/sources/" + id), 404);
    }

    @Test
    @DisplayName("the admin must name an existing tenant: missing 422, unknown or malformed 404")
    void adminNamesTheTenant() {
        String table = SourceDb.scratchTable("orders");
        assertProblem(admin.post("/v1/sources", new JsonObject().put("kind", "table").put("table", table)), 422);
        assertProblem(admin.post("/v1/sources", watchBody(shop, table).put("tenant_id", UUID.randomUUID().toString())), 404);
        assertProblem(admin.post("/v1/sources", watchBody(shop, table).put("tenant_id", "not-a-uuid")), 404);
        assertEquals(0, SourceDb.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public." + table + "'::regclass"));
    }
}
