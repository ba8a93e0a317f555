package io.hookrelay.http;

import io.hookrelay.db.Ids;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque keyset cursors: the id of the last row of a page. Opaque so that the ordering can change
 * without breaking clients that store them.
 */
public final class Cursor {

    private Cursor() {
    }

    public static String encode(UUID lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The id after which the next page starts, or null for the first page. */
    public static UUID decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        UUID id = null;
        try {
            id = Ids.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException ignored) {
            // falls through to the clear error below
        }
        if (id == null) {
            throw ApiException.badRequest("cursor is not one this service handed out; pass next_cursor unchanged");
        }
        return id;
    }
}
