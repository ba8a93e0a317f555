package io.hookrelay.db.embedded;

import io.hookrelay.config.StartupFailure;
import io.hookrelay.db.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server run from binaries shipped on Maven Central, so the service starts with no setup.
 * Its data directory lives under the service's data directory and survives restarts and crashes: a start
 * takes the directory's lock, stops a PostgreSQL that a killed service left running on it, and starts on the
 * same port as last time; a watchdog stops the server if this process dies without doing so.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    public static final String DATABASE = "hookrelay";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** A start writes WAL and, the first time, a whole new cluster (about 40 MiB). */
    static final long MIN_FREE_BYTES = 64L << 20;
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    private final Path pgData;
    private final DataDirectoryLock lock;
    private final PostmasterWatchdog watchdog;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path pgData, DataDirectoryLock lock, PostmasterWatchdog watchdog) {
        this.postgres = postgres;
        this.pgData = pgData;
        this.lock = lock;
        this.watchdog = watchdog;
    }

    /** A throw-away server in a temporary directory, removed when closed (tests). */
    public static EmbeddedDatabase temporary() {
        try {
            EmbeddedDatabase db = new EmbeddedDatabase(builder().start(), null, null, null);
            db.ensureDatabase();
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a temporary embedded PostgreSQL", e);
        }
    }

    /** On the port used last time for this data directory (or a free one the first time). */
    public static EmbeddedDatabase start(Path dataDir, Duration startTimeout) {
        return start(dataDir, 0, startTimeout);
    }

    /** {@code port == 0}: the port used last time for this data directory, or a free one. */
    public static EmbeddedDatabase start(Path dataDir, int port, Duration startTimeout) {
        Path home = dataDir.toAbsolutePath();
        Path pgData = home.resolve("postgres");
        DataDirectory directory = new DataDirectory(home, pgData);
        directory.create();
        DataDirectoryLock lock = DataDirectoryLock.acquire(home);
        EmbeddedPostgres postgres = null;
        try {
            directory.checkFreeSpace(MIN_FREE_BYTES);
            directory.checkContents(binariesMajorVersion());
            stopLeftOver(pgData);
            int chosen = port != 0 ? port : directory.stablePort();
            String where = "127.0.0.1:" + chosen;
            LOG.info("starting the embedded PostgreSQL " + binariesVersion() + " on " + where + " with data in " + pgData
                    + "; waiting up to " + startTimeout + " for it to accept connections (its log: " + directory.log() + ")");
            long logOffset = directory.rotateLog();
            try (StartWatch watch = StartWatch.begin(directory.log(), logOffset,
                    "the embedded PostgreSQL to accept connections on " + where, startTimeout)) {
                try {
                    postgres = builder()
                            .setPort(chosen)
                            .setPGStartupWait(startTimeout)
                            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(directory.log().toFile()))
                            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(directory.log().toFile()))
                            // Kept data must survive a crash; the library's defaults trade that for test speed.
                            .setDataDirectory(pgData).setCleanDataDirectory(false)
                            // Application.close() stops the server after Vert.x has drained; the library's own
                            // JVM hook would stop it concurrently, under connections still recording outcomes.
                            .setRegisterShutdownHook(false)
                            .setServerConfig("fsync", "on")
                            .setServerConfig("synchronous_commit", "on")
                            .setServerConfig("full_page_writes", "on")
                            .start();
                } catch (IOException | RuntimeException e) {
                    throw failure(watch, pgData, startTimeout, e);
                }
                if (watch.failed()) {
                    throw failure(watch, pgData, startTimeout, null);
                }
            }
            long postmaster = Postmaster.running(pgData).map(Postmaster::pid)
                    .orElseThrow(() -> new StartupFailure("the embedded PostgreSQL accepted a connection but "
                            + pgData.resolve(Postmaster.PID_FILE) + " names no running server"));
            PostmasterWatchdog watchdog = PostmasterWatchdog.watch(pgData, postmaster);
            EmbeddedDatabase db = new EmbeddedDatabase(postgres, pgData, lock, watchdog);
            db.ensureDatabase();
            LOG.info("embedded PostgreSQL (pid " + postmaster + ") listening on " + where + "; to look inside: psql -h 127.0.0.1 -p "
                    + chosen + " -U postgres " + DATABASE);
            return db;
        } catch (IOException | RuntimeException e) {
            stopAfterFailedStart(postgres, pgData);
            lock.close();
            if (e instanceof StartupFailure failure) {
                throw failure;
            }
            throw new StartupFailure("cannot start the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "200")
                .setServerConfig("unix_socket_directories", "");
    }

    /** With the lock held, a running server on this directory was started by a service that is gone. */
    private static void stopLeftOver(Path pgData) {
        Optional<Postmaster> left = Postmaster.running(pgData);
        if (left.isPresent()) {
            LOG.warning("a PostgreSQL (pid " + left.get().pid() + ") is still running on " + pgData + ", left by a Hookrelay"
                    + " that did not stop cleanly; stopping it (fast shutdown) before starting again");
            left.get().stop(STOP_PATIENCE);
            LOG.info("the left-over PostgreSQL (pid " + left.get().pid() + ") has stopped");
        } else if (Postmaster.pidFileIsStale(pgData)) {
            LOG.info("removing " + pgData.resolve(Postmaster.PID_FILE) + ": it names a process that is not PostgreSQL"
                    + " (left by an unclean stop; the pid has been reused)");
            try {
                Files.deleteIfExists(pgData.resolve(Postmaster.PID_FILE));
            } catch (IOException e) {
                throw new StartupFailure("cannot remove the stale " + pgData.resolve(Postmaster.PID_FILE) + ": " + e.getMessage());
            }
        }
    }

    private static StartupFailure failure(StartWatch watch, Path pgData, Duration timeout, Exception cause) {
        String log = String.join("\n    ", watch.lastLines());
        String what = watch.failed() || cause == null
                ? "the embedded PostgreSQL in " + pgData + " exited while starting"
                : cause.getMessage() != null && cause.getMessage().startsWith("Gave up waiting")
                ? "the embedded PostgreSQL in " + pgData + " did not accept connections within " + timeout
                  + " (HOOKRELAY_EMBEDDED_START_TIMEOUT; a slow machine, or a long recovery after a crash, may need more)"
                : "cannot start the embedded PostgreSQL in " + pgData + ": " + cause.getMessage();
        return new StartupFailure(what + (log.isBlank() ? "" : "; its last log lines:\n    " + log), cause);
    }

    /** A failed start leaves nothing running: not the server, nor the pg_ctl still waiting for it. */
    private static void stopAfterFailedStart(EmbeddedPostgres postgres, Path pgData) {
        ProcessHandle.current().children()
                .filter(child -> child.info().command().map(c -> c.endsWith("pg_ctl")).orElse(false))
                .forEach(ProcessHandle::destroy);
        try {
            Postmaster.running(pgData).ifPresent(server -> server.stop(STOP_PATIENCE));
        } catch (RuntimeException e) {
            LOG.warning(e.getMessage());
        }
        closeQuietly(postgres);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                LOG.fine("closing the embedded PostgreSQL: " + e.getMessage());
            }
        }
    }

    static String binariesVersion() {
        try (InputStream in = EmbeddedDatabase.class.getClassLoader().getResourceAsStream("hookrelay-embedded.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("postgres.version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** "14" of "14.22.0": a data directory is readable only by the major version that wrote it. */
    static String binariesMajorVersion() {
        return binariesVersion().split("\\.")[0];
    }

    public DatabaseUrl url() {
        return new DatabaseUrl("127.0.0.1", postgres.getPort(), DATABASE, "postgres", null, Map.of());
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

    /** Fast shutdown, waited for until the server has gone; then the watchdog and the lock. */
    @Override
    public void close() {
        if (pgData == null) {
            closeQuietly(postgres);
            return;
        }
        Optional<Postmaster> server = Postmaster.running(pgData);
        // pg_ctl's fast shutdown, which gives up after 5 s; a longer checkpoint is waited for below.
        closeQuietly(postgres);
        try {
            if (server.isPresent()) {
                if (server.get().process().isAlive()) {
                    server.get().stop(STOP_PATIENCE);
                }
                LOG.info("embedded PostgreSQL (pid " + server.get().pid() + ") stopped");
            }
        } catch (RuntimeException e) {
            LOG.warning("the embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
        watchdog.close();
        lock.close();
    }
}
