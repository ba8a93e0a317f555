package io.hookrelay.source;

import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Plain JDBC on the test database, for what the API does not show: events rows, triggers, scratch tables. */
final class SourceDb {

    /** One row of {@code events} as a test looks at it. */
    record StoredEvent(String tenantId, String type, JsonObject data) {
    }

    private SourceDb() {
    }

    static Connection connect() throws SQLException {
        DatabaseUrl url = TestDatabase.get().url();
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    /** A fresh table {@code public.<stem>_<random>} with an id, a status and a total; answers its name. */
    static String scratchTable(String stem) {
        String name = stem + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
        TestDatabase.get().execute("CREATE TABLE public." + name + " (id serial PRIMARY KEY, status text, total numeric)");
        return name;
    }

    static void execute(String sql) {
        TestDatabase.get().execute(sql);
    }

    static long count(String sql) {
        return TestDatabase.get().count(sql);
    }

    /** The events a source wrote, oldest first. */
    static List<StoredEvent> events(String sourceId) {
        try (Connection conn = connect();
             PreparedStatement query = conn.prepareStatement(
                     "SELECT tenant_id::text, type, data::text FROM events WHERE source_id = ?::uuid ORDER BY seq")) {
            query.setString(1, sourceId);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new StoredEvent(rows.getString(1), rows.getString(2), new JsonObject(rows.getString(3))));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Triggers of a source on any table, partition clones included. */
    static long triggersOf(String sourceId) {
        return count("SELECT count(*) FROM pg_trigger WHERE tgname = '" + TableWatch.triggerName(UUID.fromString(sourceId)) + "'");
    }
}
