package io.hookrelay.db.embedded;

import io.hookrelay.config.StartupFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The embedded database's files under the service's data directory: the PostgreSQL data directory, its log,
 * and the port it listens on. Checks before a start what would otherwise fail as a timeout or a stack trace,
 * each with a message that says what to do.
 */
final class DataDirectory {

    private static final Logger LOG = Logger.getLogger(DataDirectory.class.getName());
    private static final String PORT_FILE = "postgres.port";
    private static final String LOG_FILE = "postgres.log";
    private static final long LOG_ROTATE_BYTES = 10L << 20;

    private final Path home;
    private final Path pgData;

    DataDirectory(Path home, Path pgData) {
        this.home = home;
        this.pgData = pgData;
    }

    Path log() {
        return home.resolve(LOG_FILE);
    }

    void create() {
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new StartupFailure("cannot create the data directory " + home + " (" + DataDirectoryLock.describe(e)
                    + "); HOOKRELAY_DATA_DIR must name a directory this user can write to");
        }
    }

    void checkFreeSpace(long minimum) {
        long free;
        try {
            free = Files.getFileStore(home).getUsableSpace();
        } catch (IOException e) {
            return; // unknown; PostgreSQL will say if it cannot write
        }
        if (free < minimum) {
            throw new StartupFailure("the disk holding " + home + " is full: " + (free >> 20) + " MiB free, and the embedded"
                    + " PostgreSQL needs at least " + (minimum >> 20) + " MiB to start; free some space or move"
                    + " HOOKRELAY_DATA_DIR to a larger disk");
        }
    }

    /**
     * A new directory (absent or empty) gets a new cluster; one that PostgreSQL of another major version wrote, or
     * that holds something else, would only fail deep inside the start.
     */
    void checkContents(String majorVersion) {
        if (!Files.isDirectory(pgData) || isEmpty(pgData)) {
            return;
        }
        if (!Files.isWritable(pgData)) {
            throw new StartupFailure("cannot write to " + pgData + "; the embedded PostgreSQL needs to (is it on a"
                    + " read-only file system, or owned by another user?)");
        }
        Path versionFile = pgData.resolve("PG_VERSION");
        String version;
        try {
            version = Files.readString(versionFile, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            throw new StartupFailure(pgData + " is not empty but holds no PostgreSQL data directory (no PG_VERSION);"
                    + " move it away to start with a new database, or restore it from a backup (see the README)");
        } catch (IOException e) {
            throw new StartupFailure("cannot read " + versionFile + ": " + e.getMessage());
        }
        if (!version.equals(majorVersion)) {
            throw new StartupFailure(pgData + " was made by PostgreSQL " + version + ", and this Hookrelay's embedded"
                    + " database is PostgreSQL " + majorVersion + ", which cannot read it. Run the Hookrelay version that"
                    + " made it, or move its data over: pg_dump it with PostgreSQL " + version + " and restore it into"
                    + " a new data directory, or point HOOKRELAY_DATABASE_URL at a PostgreSQL " + version + " server");
        }
        if (!Files.exists(pgData.resolve("postgresql.conf"))) {
            throw new StartupFailure(pgData + " is damaged: postgresql.conf is missing; restore the data directory from a"
                    + " backup, or move it away to start with a new database (see the README)");
        }
    }

    /**
     * The port of the last start, so that what a user has written down ({@code psql -p ...}) stays right; a new
     * free one when there was none or another process has taken it meanwhile.
     */
    int stablePort() {
        Path file = home.resolve(PORT_FILE);
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
                try {
                    int port = Integer.parseInt(text);
                    if (port > 0 && port < 65536 && isFree(port)) {
                        return port;
                    }
                    LOG.warning("port " + text + " of the embedded PostgreSQL's last start is taken by another process;"
                            + " it moves to a new port");
                } catch (NumberFormatException e) {
                    LOG.warning(file + " holds no port number; choosing a new port");
                }
            }
            int port = freePort();
            Files.writeString(file, port + "\n", StandardCharsets.US_ASCII);
            return port;
        } catch (IOException e) {
            throw new StartupFailure("cannot keep the embedded PostgreSQL's port in " + file + ": "
                    + DataDirectoryLock.describe(e));
        }
    }

    /** Starts a new log when the old one is large; returns where this start's lines begin. */
    long rotateLog() {
        Path log = log();
        try {
            if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
                Files.move(log, home.resolve(LOG_FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new StartupFailure("cannot write the embedded PostgreSQL's log " + log + ": " + DataDirectoryLock.describe(e));
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
