package io.hookrelay.source;

import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Names meant to break out of the DDL a watch runs: every one answers 4xx, and the schema stays as it was. */
class SourceHostileNamesTest {

    static Application app;
    static Api admin;
    static Tenants tenant;
    static String realTable;
    String schemaBefore;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        admin = new Api(app.httpPort(), app.adminToken());
        tenant = Tenants.create(app, "hostile-names");
        // A real table, so a name that smuggles it in would succeed if quoting failed.
        realTable = SourceDb.scratchTable("victim");
    }

    @BeforeEach
    void snapshot() {
        schemaBefore = fingerprint();
    }

    @AfterEach
    void nothingChanged() {
        assertEquals(schemaBefore, fingerprint(), "a refused name must change neither tables, triggers, functions nor rows");
    }

    /** Tables, triggers, functions, sources and tenants: everything a smuggled statement could touch. */
    private static String fingerprint() {
        return SourceDb.count("SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p', 'v')") + "/"
                + SourceDb.count("SELECT count(*) FROM pg_trigger") + "/"
                + SourceDb.count("SELECT count(*) FROM pg_proc") + "/"
                + SourceDb.count("SELECT count(*) FROM sources") + "/"
                + SourceDb.count("SELECT count(*) FROM tenants") + "/"
                + SourceDb.count("SELECT count(*) FROM events");
    }

    static Stream<String> hostileTables() {
        return Stream.of(
                "orders; DROP TABLE tenants",
                "\"x\"",
                "a.b.c",
                "pg_catalog.pg_class",
                "ördersß",
                "表",
                "a".repeat(200),
                "a".repeat(64),
                "public.",
                ".orders",
                "",
                " orders",
                "orders ",
                "o'rders",
                "orders--",
                "orders/*",
                "public\".\"tenants",
                "tenants\" CASCADE; --",
                "victim\u0000",
                "1orders",
                "public..orders");
    }

    @ParameterizedTest(name = "table [{0}]")
    @MethodSource("hostileTables")
    @DisplayName("a hostile table name is refused with a problem")
    void hostileTableName(String table) {
        Api.Response answer = admin.post("/v1/sources", new JsonObject()
                .put("kind", "table").put("tenant_id", tenant.tenantId()).put("table", table));
        assertTrue(answer.status() >= 400 && answer.status() < 500, answer::toString);
        assertProblem(answer, answer.status());
    }

    static Stream<String> hostilePrefixes() {
        return Stream.of("x'); DROP TABLE tenants; --", "x'", "a b", "a..b", ".a", "a.", "ä", "a\\b", "a".repeat(101), "");
    }

    @ParameterizedTest(name = "event_type_prefix [{0}]")
    @MethodSource("hostilePrefixes")
    @DisplayName("a hostile event type prefix is refused with 400, even on a real table")
    void hostilePrefix(String prefix) {
        Api.Response answer = admin.post("/v1/sources", new JsonObject().put("kind", "table")
                .put("tenant_id", tenant.tenantId()).put("table", realTable).put("event_type_prefix", prefix));
        assertProblem(answer, 400);
    }

    @ParameterizedTest(name = "tenant_id [{0}]")
    @MethodSource("hostilePrefixes")
    @DisplayName("a hostile tenant id is refused, even on a real table")
    void hostileTenant(String tenantId) {
        Api.Response answer = admin.post("/v1/sources", new JsonObject().put("kind", "table")
                .put("tenant_id", tenantId).put("table", realTable));
        assertTrue(answer.status() >= 400 && answer.status() < 500, answer::toString);
        assertProblem(answer, answer.status());
    }
}
