package io.hookrelay.support;

import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.db.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * One PostgreSQL server per test JVM, and a fresh database on it that is dropped when the JVM ends.
 * The server is, in order of preference: a Testcontainers PostgreSQL when a Docker engine answers; the
 * server named by {@code HOOKRELAY_TEST_DATABASE_URL}; an embedded PostgreSQL.
 */
public final class TestDatabase {

    private record Server(DatabaseUrl url, String source) {
    }

    private static Server server;
    private static final java.util.Map<String, TestDatabase> DATABASES = new java.util.HashMap<>();

    private final DatabaseUrl serverUrl;
    private final DatabaseUrl database;

    private TestDatabase(DatabaseUrl serverUrl) {
        this.serverUrl = serverUrl;
        String name = "hookrelay_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute(serverUrl, "CREATE DATABASE " + name);
        this.database = serverUrl.withDatabase(name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(name), "drop-test-database"));
    }

    /** The test run's main database. */
    public static TestDatabase get() {
        return get("main");
    }

    /** Another database on the same server, for a service instance whose data must not mix with the main one. */
    public static synchronized TestDatabase get(String purpose) {
        if (server == null) {
            server = startServer();
        }
        return DATABASES.computeIfAbsent(purpose, p -> {
            TestDatabase db = new TestDatabase(server.url());
            System.out.println("[tests] PostgreSQL from " + server.source() + ", database " + db.database + " (" + p + ")");
            return db;
        });
    }

    public DatabaseUrl url() {
        return database;
    }

    public DatabaseUrl serverUrl() {
        return serverUrl;
    }

    private static Server startServer() {
        if (dockerAnswers()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-test-container"));
            DatabaseUrl url = new DatabaseUrl(container.getHost(), container.getFirstMappedPort(), "postgres",
                    container.getUsername(), container.getPassword(), java.util.Map.of());
            return new Server(url, "Testcontainers");
        }
        String configured = System.getenv("HOOKRELAY_TEST_DATABASE_URL");
        if (configured != null && !configured.isBlank()) {
            return new Server(DatabaseUrl.parse(configured), "HOOKRELAY_TEST_DATABASE_URL");
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.temporary();
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "stop-embedded-postgres"));
        return new Server(embedded.adminUrl(), "embedded PostgreSQL");
    }

    /** Asks Testcontainers only when a Docker endpoint is configured at all, to keep runs without one quiet. */
    private static boolean dockerAnswers() {
        boolean configured = System.getenv("DOCKER_HOST") != null
                || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!configured) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private void drop(String name) {
        try {
            execute(serverUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (RuntimeException e) {
            System.err.println("[tests] could not drop " + name + ": " + e.getMessage());
        }
    }

    /** Runs one statement through JDBC on the test database (setup and inspection only). */
    public void execute(String sql) {
        execute(database, sql);
    }

    private static void execute(DatabaseUrl url, String sql) {
        try (Connection conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             Statement statement = conn.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Reads one long (a count) through JDBC. */
    public long count(String sql) {
        try (Connection conn = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             Statement statement = conn.createStatement();
             var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
