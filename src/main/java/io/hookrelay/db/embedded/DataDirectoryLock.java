package io.hookrelay.db.embedded;

import io.hookrelay.config.StartupFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One service per data directory. The lock is the operating system's, on {@code hookrelay.lock}: it ends with
 * the process however the process ends, SIGKILL included, so a lock file left behind by a crash never stops a
 * start. While it is held, no other Hookrelay uses the directory, so any PostgreSQL still running on it was
 * left there by one that died.
 */
final class DataDirectoryLock implements AutoCloseable {

    static final String FILE = "hookrelay.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock at once or fails, naming the process that holds it. */
    static DataDirectoryLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StartupFailure("cannot write to the data directory " + dataDir.toAbsolutePath() + " ("
                    + describe(e) + "); HOOKRELAY_DATA_DIR must name a directory this user can write to");
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it
            }
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new StartupFailure("the data directory " + dataDir.toAbsolutePath() + " is in use by a running"
                        + " Hookrelay (pid " + holder + "); stop that one first, or give this one a HOOKRELAY_DATA_DIR"
                        + " of its own");
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
            return new DataDirectoryLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupFailure("cannot lock the data directory " + dataDir.toAbsolutePath() + " (" + describe(e) + ")");
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        return text.matches("\\d+") ? text : "unknown";
    }

    static String describe(IOException e) {
        String reason = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            reason = fs.getReason();
        }
        return reason == null ? e.getClass().getSimpleName() : reason;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the operating system drops the lock when the process ends anyway
        }
    }
}
