package io.hookrelay.db.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;

/**
 * Watches an embedded PostgreSQL start from its log: says every few seconds what the start waits for, and
 * notices when pg_ctl reports that the server exited, so a start that cannot succeed (a damaged data
 * directory, a port taken) fails then instead of at the end of the start timeout. The library's wait for the
 * server ends when its thread is interrupted, which is how a failure is passed to it.
 */
final class StartWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StartWatch.class.getName());
    private static final Duration TELL_EVERY = Duration.ofSeconds(5);
    private static final int KEPT_LINES = 20;

    private final Path log;
    private final String waitingFor;
    private final Duration timeout;
    private final Thread starter;
    private final Thread watcher;
    private final Deque<String> lastLines = new ArrayDeque<>();
    private long offset;
    private boolean recovering;
    private volatile boolean failed;
    private volatile boolean done;

    private StartWatch(Path log, long offset, String waitingFor, Duration timeout) {
        this.log = log;
        this.offset = offset;
        this.waitingFor = waitingFor;
        this.timeout = timeout;
        this.starter = Thread.currentThread();
        this.watcher = new Thread(this::watch, "embedded-postgres-start-watch");
        this.watcher.setDaemon(true);
    }

    /** Watches what is written to {@code log} after {@code offset}, on behalf of the calling thread. */
    static StartWatch begin(Path log, long offset, String waitingFor, Duration timeout) {
        StartWatch watch = new StartWatch(log, offset, waitingFor, timeout);
        watch.watcher.start();
        return watch;
    }

    boolean failed() {
        return failed;
    }

    /** The last lines PostgreSQL logged during this start, for the failure's message. */
    synchronized List<String> lastLines() {
        readNew();
        return List.copyOf(lastLines);
    }

    private void watch() {
        long started = System.nanoTime();
        long nextTell = started + TELL_EVERY.toNanos();
        while (!done) {
            synchronized (this) {
                readNew();
                if (lastLines.stream().anyMatch(line -> line.contains("could not start server"))) {
                    failed = true;
                }
            }
            if (failed) {
                starter.interrupt();
                return;
            }
            long now = System.nanoTime();
            if (now >= nextTell) {
                LOG.info("still waiting for " + waitingFor + " (" + Duration.ofNanos(now - started).toSeconds() + " s of "
                        + timeout + ", HOOKRELAY_EMBEDDED_START_TIMEOUT)"
                        + (recovering ? "; it is replaying its write-ahead log after an unclean stop" : ""));
                nextTell = now + TELL_EVERY.toNanos();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readNew() {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            if (file.length() <= offset) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(file.length() - offset, 1 << 20)];
            file.seek(offset);
            file.readFully(bytes);
            int end = lastNewline(bytes);
            if (end < 0) {
                return;
            }
            offset += end + 1;
            for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains("automatic recovery in progress") || line.contains("redo starts at")) {
                    recovering = true;
                }
                lastLines.addLast(line);
                if (lastLines.size() > KEPT_LINES) {
                    lastLines.removeFirst();
                }
            }
        } catch (IOException e) {
            // not written yet
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Stops watching; clears an interrupt meant for the library's wait so it reaches nothing else. */
    @Override
    public void close() {
        done = true;
        watcher.interrupt();
        try {
            watcher.join(1000);
        } catch (InterruptedException e) {
            // cleared just below
        }
        Thread.interrupted();
    }
}
