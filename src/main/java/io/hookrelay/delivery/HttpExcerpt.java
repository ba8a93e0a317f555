package io.hookrelay.delivery;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first bytes of a response body and counts the rest without keeping it, so an endless
 * or huge body costs no memory beyond the limit.
 */
final class HttpExcerpt {

    private final int limit;
    private final Buffer kept = Buffer.buffer();
    private long totalBytes;

    HttpExcerpt(int limit) {
        this.limit = limit;
    }

    void append(Buffer chunk) {
        totalBytes += chunk.length();
        int room = limit - kept.length();
        if (room > 0) {
            kept.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
        }
    }

    long totalBytes() {
        return totalBytes;
    }

    /** The kept bytes as UTF-8; bad bytes become U+FFFD, and a character cut in half at the limit is dropped. */
    String text() {
        byte[] bytes = kept.getBytes();
        int end = totalBytes > bytes.length ? completeCharactersEnd(bytes) : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Where the last whole UTF-8 character ends: before a trailing lead byte whose continuation bytes were cut off. */
    private static int completeCharactersEnd(byte[] bytes) {
        int lead = bytes.length - 1;
        // Step back over at most three continuation bytes (10xxxxxx) to the lead byte.
        while (lead >= 0 && bytes.length - lead <= 3 && (bytes[lead] & 0xc0) == 0x80) {
            lead--;
        }
        if (lead < 0) {
            return bytes.length;
        }
        int b = bytes[lead] & 0xff;
        int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        return bytes.length - lead < needed ? lead : bytes.length;
    }
}
