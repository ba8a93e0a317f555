package io.hookrelay.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server run from binaries shipped on Maven Central, so the service starts with no
 * setup. Its data directory lives under the service's data directory and survives restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    public static final String DATABASE = "hookrelay";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts on a free port; {@code dataDir == null} means a throw-away server (tests). */
    public static EmbeddedDatabase start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** {@code port == 0} picks a free port. */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("unix_socket_directories", "");
            if (port != 0) {
                builder.setPort(port);
            }
            if (dataDir != null) {
                Path pgData = dataDir.resolve("postgres").toAbsolutePath();
                Files.createDirectories(pgData);
                // The library's defaults trade durability for test speed; data kept for real must survive a crash.
                // Application.close() stops the server after Vert.x has drained; the library's own JVM hook
                // would stop it concurrently, under connections still recording outcomes.
                builder.setDataDirectory(pgData).setCleanDataDirectory(false).setRegisterShutdownHook(false)
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on");
            }
            EmbeddedDatabase db = new EmbeddedDatabase(builder.start());
            db.ensureDatabase();
            LOG.info("embedded PostgreSQL listening on 127.0.0.1:" + db.postgres.getPort()
                    + (dataDir == null ? "" : " with data in " + dataDir.resolve("postgres")));
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    public DatabaseUrl url() {
        return new DatabaseUrl("127.0.0.1", postgres.getPort(), DATABASE, "postgres", null, java.util.Map.of());
    }

    public DatabaseUrl adminUrl() {
        return url().withDatabase("postgres");
    }

    private void ensureDatabase() {
        try (var conn = postgres.getPostgresDatabase().getConnection();
             var exists = conn.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                try (var create = conn.createStatement()) {
                    create.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warning("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
