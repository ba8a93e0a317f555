package io.hookrelay.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * Generated credentials kept in the data directory: created once, readable only by the service's user,
 * and never overwritten (a second instance starting at the same moment reads what the first wrote).
 */
public final class KeyFiles {

    /** The value, and whether this call created it (so the caller prints a new admin token once). */
    public record Loaded(String value, boolean created) {
    }

    private KeyFiles() {
    }

    public static Loaded loadOrCreate(Path file, Supplier<String> generator) {
        try {
            if (Files.exists(file)) {
                return new Loaded(read(file), false);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String value = generator.get();
            try {
                Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException raced) {
                return new Loaded(read(file), false);
            }
            restrictToOwner(file);
            return new Loaded(value, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private static String read(Path file) throws IOException {
        String value = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (value.isEmpty()) {
            throw new IOException(file + " is empty; delete it to have a new value generated");
        }
        return value;
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // Non-POSIX file systems keep their default permissions; the file is still only in the data dir.
        }
    }
}
