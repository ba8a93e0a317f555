package io.hookrelay.db.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Ends the embedded PostgreSQL when the service dies without stopping it (SIGKILL, an OOM kill, a crash). A
 * small shell reads its standard input, a pipe from this JVM, until the pipe closes, which the kernel does
 * when this process ends however it ends. If the pid file then still names the postmaster it was given, the
 * watchdog asks it for a fast shutdown. After a clean stop the pid file is gone and the watchdog just exits.
 * It ignores the terminal's signals, so a Ctrl-C meant for the service leaves it to do its job.
 */
final class PostmasterWatchdog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostmasterWatchdog.class.getName());
    private static final String SCRIPT = """
            trap '' INT TERM HUP
            while read -r _; do :; done
            { read -r running < "$1/postmaster.pid"; } 2>/dev/null && [ "$running" = "$2" ] && kill -INT "$2"
            exit 0
            """;

    private final Process process;

    private PostmasterWatchdog(Process process) {
        this.process = process;
    }

    static PostmasterWatchdog watch(Path pgData, long postmasterPid) throws IOException {
        Process process = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "hookrelay-postgres-watchdog",
                pgData.toString(), Long.toString(postmasterPid))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new PostmasterWatchdog(process);
    }

    long pid() {
        return process.pid();
    }

    /** Call once PostgreSQL has stopped: the watchdog finds no pid file and exits. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LOG.fine("watchdog " + process.pid() + " ended");
    }
}
