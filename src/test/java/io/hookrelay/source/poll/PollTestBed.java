package io.hookrelay.source.poll;

import static org.junit.jupiter.api.Assertions.fail;

import io.hookrelay.db.Database;
import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.db.Migrations;
import io.hookrelay.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the poller tests run against: a database of their own on the test PostgreSQL server, a Vert.x
 * with a pg pool, and a fake resource server.
 *
 * <p>The database is separate from the shared test database on purpose: any Hookrelay started by other
 * tests in the same JVM runs its own resource poller there, and would claim these tests' sources.
 *
 * <p>Vert.x resolves {@value #REBINDING_HOST} to 127.0.0.1, so a test can play a DNS name that passed
 * the URL check but leads somewhere private when connecting.
 */
final class PollTestBed implements AutoCloseable {

    static final String REBINDING_HOST = "rebinding.example";

    private final DatabaseUrl server;
    private final String databaseName;
    private final DatabaseUrl database;
    private final Vertx vertx;
    private final Pool pool;
    private final FakeResources resources;

    PollTestBed() throws Exception {
        server = TestDatabase.get().serverUrl();
        databaseName = "hookrelay_poll_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute(server, "CREATE DATABASE " + databaseName);
        database = server.withDatabase(databaseName);
        Migrations.migrate(database);
        vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
                .setHostsValue(Buffer.buffer("127.0.0.1 " + REBINDING_HOST + "\n"))));
        pool = Database.pool(vertx, database, 8);
        resources = new FakeResources(vertx);
    }

    Vertx vertx() {
        return vertx;
    }

    Pool pool() {
        return pool;
    }

    FakeResources resources() {
        return resources;
    }

    @Override
    public void close() throws Exception {
        resources.close();
        pool.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        execute(server, "DROP DATABASE IF EXISTS " + databaseName + " WITH (FORCE)");
    }

    // ---- data -------------------------------------------------------------------------------------

    UUID newTenant(String name) {
        UUID id = UUID.randomUUID();
        update("INSERT INTO tenants (id, name) VALUES (?, ?)", id, name);
        return id;
    }

    void deleteTenant(UUID tenant) {
        update("DELETE FROM tenants WHERE id = ?", tenant);
    }

    /** An http source, due now. */
    UUID newSource(UUID tenant, String url, int intervalSeconds, boolean includeBody, JsonObject headers) {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO sources (id, tenant_id, kind, url, interval_seconds, include_body, headers, next_poll_at)
                VALUES (?, ?, 'http', ?, ?, ?, ?::jsonb, now())
                """, id, tenant, url, intervalSeconds, includeBody, headers.encode());
        return id;
    }

    UUID newSource(UUID tenant, String url, int intervalSeconds) {
        return newSource(tenant, url, intervalSeconds, false, new JsonObject());
    }

    /** Makes a source due now, as if its interval had passed. */
    void makeDue(UUID source) {
        update("UPDATE sources SET next_poll_at = now() WHERE id = ?", source);
    }

    /** What the poller keeps about a source. */
    record SourceRow(Object lastBody, boolean hasBody, String etag, String lastModified, boolean polled,
                     int failures, String lastError, String leaseOwner, double secondsUntilNextPoll, long polledAtMicros) {
    }

    SourceRow source(UUID id) {
        List<SourceRow> rows = query("""
                SELECT last_body::text, etag, last_modified, last_polled_at, consecutive_failures, last_error, lease_owner,
                       extract(epoch FROM next_poll_at - now())::float8 AS until_next,
                       extract(epoch FROM last_polled_at)::float8 AS polled_epoch
                FROM sources WHERE id = ?""", rs -> {
            String body = rs.getString(1);
            return new SourceRow(body == null ? null : Json.decodeValue(body), body != null, rs.getString(2), rs.getString(3),
                    rs.getTimestamp(4) != null, rs.getInt(5), rs.getString(6), rs.getString(7), rs.getDouble(8),
                    Math.round(rs.getDouble(9) * 1e6));
        }, id);
        if (rows.isEmpty()) {
            fail("source " + id + " does not exist");
        }
        return rows.get(0);
    }

    /** An event as written to the outbox. */
    record EventRow(UUID tenantId, String type, JsonObject data, UUID sourceId) {
    }

    /** The source's events, oldest first. */
    List<EventRow> events(UUID source) {
        return query("SELECT tenant_id, type, data::text, source_id FROM events WHERE source_id = ? ORDER BY seq",
                rs -> new EventRow((UUID) rs.getObject(1), rs.getString(2), new JsonObject(rs.getString(3)),
                        (UUID) rs.getObject(4)), source);
    }

    List<String> leaseOwners(UUID tenant) {
        return query("SELECT lease_owner FROM sources WHERE tenant_id = ? AND lease_owner IS NOT NULL",
                rs -> rs.getString(1), tenant);
    }

    void update(String sql, Object... args) {
        try (Connection conn = connect(database); PreparedStatement statement = conn.prepareStatement(sql)) {
            bind(statement, args);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    <T> List<T> query(String sql, RowReader<T> reader, Object... args) {
        try (Connection conn = connect(database); PreparedStatement statement = conn.prepareStatement(sql)) {
            bind(statement, args);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    // ---- waiting ----------------------------------------------------------------------------------

    /** Waits until the condition holds, checking every 20 ms; fails with the description after the deadline. */
    static void await(String description, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("gave up after " + deadline.toMillis() + " ms waiting until " + description);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + description);
            }
        }
    }

    static void await(String description, BooleanSupplier condition) {
        await(description, Duration.ofSeconds(10), condition);
    }

    /** Waits until the value satisfies the condition and returns it; the failure message shows the last value seen. */
    static <T> T awaitValue(String description, Supplier<T> value, java.util.function.Predicate<T> condition) {
        Object[] last = new Object[1];
        try {
            await(description, () -> {
                T current = value.get();
                last[0] = current;
                return condition.test(current);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + last[0], e);
        }
        @SuppressWarnings("unchecked")
        T result = (T) last[0];
        return result;
    }

    private static Connection connect(DatabaseUrl url) throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    private static void bind(PreparedStatement statement, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            statement.setObject(i + 1, args[i]);
        }
    }

    private static void execute(DatabaseUrl url, String sql) {
        try (Connection conn = connect(url); var statement = conn.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
