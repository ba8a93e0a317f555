package io.hookrelay.http;

import io.hookrelay.db.Ids;
import java.util.UUID;

/** Checks on caller text that the contract's JSON Schema cannot express. */
public final class TextRules {

    private TextRules() {
    }

    /** A required single-line text: trimmed, non-empty, without control characters. */
    public static String requiredLine(String value, String field) {
        String line = optionalLine(value, field);
        if (line == null || line.isEmpty()) {
            throw ApiException.validation(field + ": must not be empty");
        }
        return line;
    }

    public static String optionalLine(String value, String field) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        if (hasControlCharacters(trimmed, false)) {
            throw ApiException.validation(field + ": must not contain control characters");
        }
        return trimmed;
    }

    /** Free text (descriptions) may hold line breaks and tabs, but no other control characters. */
    public static String optionalText(String value, String field) {
        if (value == null) {
            return null;
        }
        if (hasControlCharacters(value, true)) {
            throw ApiException.validation(field + ": must not contain control characters other than line breaks and tabs");
        }
        return value;
    }

    public static boolean hasControlCharacters(String value, boolean allowLineBreaks) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            if (control && !(allowLineBreaks && (c == '\n' || c == '\r' || c == '\t'))) {
                return true;
            }
        }
        return false;
    }

    /** An RFC 3339 time given by a caller, e.g. 2026-01-31T12:00:00Z. */
    public static java.time.OffsetDateTime time(String raw, String field) {
        if (raw == null) {
            throw ApiException.validation(field + ": is required");
        }
        try {
            return java.time.OffsetDateTime.parse(raw);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.validation(field + ": must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
    }

    /** A path id: malformed ids are 404 too, since no such resource can exist. */
    public static UUID pathId(String raw, String what) {
        UUID id = Ids.parse(raw);
        if (id == null) {
            throw ApiException.notFound(what, raw);
        }
        return id;
    }
}
