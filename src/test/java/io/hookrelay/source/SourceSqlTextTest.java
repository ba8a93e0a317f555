package io.hookrelay.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The quoting helpers, checked by PostgreSQL itself: what goes in quoted comes back unchanged. */
class SourceSqlTextTest {

    static final List<String> AWKWARD = List.of("plain", "it's", "''", "\"", "\"\"x\"", "back\\slash", "\\'", "a'); DROP TABLE tenants; --",
            "ünïcödé 表", "$$", "$function$", "new\nline", "");

    @Test
    @DisplayName("identifiers and literals double their quote character")
    void doubling() {
        assertEquals("\"my\"\"table\"", SqlText.identifier("my\"table"));
        assertEquals("'it''s'", SqlText.literal("it's"));
        assertEquals("E'a\\\\b''c'", SqlText.literal("a\\b'c"));
        assertThrows(IllegalArgumentException.class, () -> SqlText.literal("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> SqlText.identifier("a\0b"));
    }

    @Test
    @DisplayName("PostgreSQL reads every quoted literal back as the original text, whatever standard_conforming_strings says")
    void literalsRoundTrip() throws Exception {
        try (Connection conn = SourceDb.connect(); Statement statement = conn.createStatement()) {
            for (String setting : List.of("on", "off")) {
                statement.execute("SET standard_conforming_strings = " + setting);
                for (String value : AWKWARD) {
                    try (ResultSet row = statement.executeQuery("SELECT " + SqlText.literal(value))) {
                        row.next();
                        assertEquals(value, row.getString(1), "standard_conforming_strings=" + setting);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("PostgreSQL reads every quoted identifier back as exactly one name, the original")
    void identifiersRoundTrip() throws Exception {
        String schema = "quoting_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection conn = SourceDb.connect(); Statement statement = conn.createStatement()) {
            statement.execute("CREATE SCHEMA " + SqlText.identifier(schema));
            try {
                for (String name : AWKWARD.stream().filter(n -> !n.isEmpty()).toList()) {
                    statement.execute("CREATE TABLE " + SqlText.identifier(schema) + "." + SqlText.identifier(name) + " (id int)");
                    try (ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE n.nspname = " + SqlText.literal(schema) + " AND c.relname = " + SqlText.literal(name))) {
                        row.next();
                        assertEquals(1, row.getInt(1), name);
                    }
                }
            } finally {
                statement.execute("DROP SCHEMA " + SqlText.identifier(schema) + " CASCADE");
            }
        }
    }

    @Test
    @DisplayName("a trigger definition quotes the table, the function and every argument")
    void triggerDefinition() {
        UUID source = UUID.fromString("0190a0b0-c0d0-7e0f-8a0b-0c0d0e0f1011");
        UUID tenant = UUID.fromString("0190a0b0-c0d0-7e0f-8a0b-0c0d0e0f1012");
        TableWatch watch = new TableWatch(source, tenant, new TableName("shop", "orders"), List.of("insert", "delete"), "shop.order");
        assertEquals("CREATE TRIGGER \"hookrelay_watch_0190a0b0c0d07e0f8a0b0c0d0e0f1011\" AFTER INSERT OR DELETE"
                        + " ON \"shop\".\"orders\" FOR EACH ROW EXECUTE FUNCTION \"public\".hookrelay_table_change("
                        + "'0190a0b0-c0d0-7e0f-8a0b-0c0d0e0f1011', '0190a0b0-c0d0-7e0f-8a0b-0c0d0e0f1012', 'shop.order')",
                TableWatchSql.createTrigger("public", watch));
        assertEquals("DROP TRIGGER IF EXISTS \"t\"\"x\" ON \"a\"\"b\".\"c\"", TableWatchSql.dropTrigger("t\"x", new TableName("a\"b", "c")));
        TableWatch sneaky = new TableWatch(source, tenant, new TableName("shop", "orders"), List.of("truncate"), "p");
        assertThrows(IllegalArgumentException.class, () -> TableWatchSql.createTrigger("public", sneaky),
                "only the three known operations become trigger events");
    }
}
