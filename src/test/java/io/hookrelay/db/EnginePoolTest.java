package io.hookrelay.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hookrelay.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine's connections price whole-table scans out. A statement that still needs one then costs more
 * than 10^10, and PostgreSQL's JIT compiled it on every run: the outcome writer's disable step took
 * 300-500 ms per batch that way, and every claim waiting on its locks stalled with it.
 */
class EnginePoolTest {

    static TestDatabase database;
    static Vertx vertx;
    static Pool engine;

    @BeforeAll
    static void start() {
        database = TestDatabase.get("engine-pool");
        Migrations.migrate(database.url());
        database.execute("INSERT INTO tenants (id, name) VALUES ('00000000-0000-7000-8000-00000000e001', 'engine')");
        database.execute("""
                INSERT INTO subscriptions (id, tenant_id, url, secret_enc)
                SELECT gen_random_uuid(), '00000000-0000-7000-8000-00000000e001', 'http://127.0.0.1:9/hook', '\\x00' FROM generate_series(1, 100)
                """);
        vertx = Vertx.vertx();
        engine = Database.enginePool(vertx, Database.connectOptions(database.url()), 1);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a statement that has to scan a table is run as planned, not compiled by the JIT first")
    void noJitForPricedOutScans() throws Exception {
        // Embedded PostgreSQL builds come without LLVM: there this cannot tell the two apart.
        assumeTrue(database.count("SELECT CASE WHEN pg_jit_available() THEN 1 ELSE 0 END") == 1,
                "this PostgreSQL has no JIT");
        String explained = engine.query("""
                EXPLAIN (ANALYZE, FORMAT JSON)
                SELECT id FROM subscriptions WHERE status = 'active' OR failure_streak > 0
                """).execute().await(30, TimeUnit.SECONDS).iterator().next().getValue(0).toString();
        JsonObject plan = new JsonArray(explained).getJsonObject(0);
        assertEquals("Seq Scan", plan.getJsonObject("Plan").getString("Node Type"), "only a scan can answer this");
        assertFalse(plan.containsKey("JIT"), "the engine's statement was JIT-compiled: " + plan.getValue("JIT"));
    }
}
