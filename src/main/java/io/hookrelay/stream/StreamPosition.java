package io.hookrelay.stream;

import io.hookrelay.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a reader stands in the event feed: the writing transaction of an event and its seq. Events are
 * handed out in this order only once their transaction is below the snapshot horizon, so a later commit
 * can never land before a position already handed out (see migration V7). {@code seq} 0 means "after
 * every event of transactions below {@code xid}", the position of a horizon.
 */
public record StreamPosition(long xid, long seq) implements Comparable<StreamPosition> {

    private static final String PREFIX = "e1.";

    public static StreamPosition horizon(long xmin) {
        return new StreamPosition(xmin, 0);
    }

    @Override
    public int compareTo(StreamPosition other) {
        int byXid = Long.compare(xid, other.xid);
        return byXid != 0 ? byXid : Long.compare(seq, other.seq);
    }

    public boolean isAfter(StreamPosition other) {
        return other == null || compareTo(other) > 0;
    }

    public static StreamPosition later(StreamPosition a, StreamPosition b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    /** Opaque to clients, so the ordering can change without breaking stored cursors' meaning. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + xid + "." + seq).getBytes(StandardCharsets.US_ASCII));
    }

    /** A cursor this service handed out, or a 400 naming the parameter (or header) it came from. */
    public static StreamPosition decode(String cursor, String name) {
        if (cursor != null && !cursor.isEmpty() && cursor.length() <= 100) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
                if (text.startsWith(PREFIX)) {
                    String[] parts = text.substring(PREFIX.length()).split("\\.", -1);
                    if (parts.length == 2 && parts[0].matches("[0-9]{1,18}") && parts[1].matches("[0-9]{1,18}")) {
                        return new StreamPosition(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                    }
                }
            } catch (IllegalArgumentException ignored) {
                // answered below
            }
        }
        throw ApiException.badRequest(name + " is not a cursor this service handed out; pass an event's stream id"
                + " or a next_cursor unchanged");
    }
}
