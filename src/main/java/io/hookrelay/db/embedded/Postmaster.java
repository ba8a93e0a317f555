package io.hookrelay.db.embedded;

import io.hookrelay.config.StartupFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A PostgreSQL server running on a data directory, found the way PostgreSQL itself finds it: the pid on the
 * first line of {@code postmaster.pid}, and that process alive and a postgres. Stopped with PostgreSQL's own
 * signals: SIGINT is its fast shutdown (clients are disconnected, a checkpoint is written, nothing committed
 * is lost); SIGQUIT its immediate shutdown, after which the next start replays the write-ahead log.
 */
record Postmaster(long pid, ProcessHandle process) {

    private static final Logger LOG = Logger.getLogger(Postmaster.class.getName());
    static final String PID_FILE = "postmaster.pid";

    static Optional<Postmaster> running(Path pgData) {
        return pidInFile(pgData).flatMap(pid -> ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(Postmaster::isPostgres)
                .map(process -> new Postmaster(pid, process)));
    }

    /**
     * The pid file names a live process that is something else than PostgreSQL: the pid was reused after the
     * machine or container restarted. Such a file only holds a start up, and PostgreSQL does not always see that
     * it is stale (it does for its own parent and grandparent only).
     */
    static boolean pidFileIsStale(Path pgData) {
        return pidInFile(pgData).map(pid -> ProcessHandle.of(pid)
                .map(process -> !process.isAlive() || process.info().command().map(c -> !isPostgresCommand(c)).orElse(false))
                .orElse(true)).orElse(false);
    }

    private static Optional<Long> pidInFile(Path pgData) {
        List<String> lines;
        try {
            lines = Files.readAllLines(pgData.resolve(PID_FILE), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warning("cannot read " + pgData.resolve(PID_FILE) + ": " + e.getMessage());
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** When the command cannot be read the process is taken for a postgres: signalling nothing is the safe side. */
    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(Postmaster::isPostgresCommand).orElse(true);
    }

    private static boolean isPostgresCommand(String command) {
        Path name = Path.of(command).getFileName();
        return name != null && name.toString().startsWith("postgres");
    }

    /** Fast shutdown, waited for; immediate shutdown if that takes longer than {@code patience}. */
    void stop(Duration patience) {
        signal("INT");
        if (awaitExit(patience)) {
            return;
        }
        LOG.warning("PostgreSQL (pid " + pid + ") did not finish its fast shutdown within " + patience
                + "; stopping it immediately (its next start replays the write-ahead log)");
        signal("QUIT");
        if (!awaitExit(Duration.ofSeconds(30))) {
            throw new StartupFailure("PostgreSQL (pid " + pid + ") does not stop; stop it by hand (kill -QUIT " + pid + ")");
        }
    }

    boolean awaitExit(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (process.isAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !process.isAlive();
            }
        }
        return true;
    }

    /** Java can send only SIGTERM and SIGKILL; the shell's kill sends PostgreSQL's own signals. */
    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + name + " " + pid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor();
        } catch (IOException e) {
            throw new StartupFailure("cannot signal PostgreSQL (pid " + pid + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
