package io.hookrelay.source;

import io.hookrelay.http.ApiException;
import java.util.regex.Pattern;

/**
 * A table as the caller names it: {@code schema.name}, or {@code name} in schema public. Each part is a
 * plain SQL name of at most 63 ASCII characters, matched exactly against the catalogue (so a table made
 * with unquoted {@code CREATE TABLE Orders} is {@code orders}).
 */
record TableName(String schema, String name) {

    static final String DEFAULT_SCHEMA = "public";
    private static final Pattern PART = Pattern.compile("^[A-Za-z_][A-Za-z0-9_$]{0,62}$");

    static TableName parse(String raw) {
        if (raw == null) {
            throw ApiException.validation("table: is required for kind table");
        }
        String[] parts = raw.split("\\.", -1);
        if (parts.length > 2) {
            throw invalid(raw);
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw invalid(raw);
            }
        }
        return parts.length == 1 ? new TableName(DEFAULT_SCHEMA, parts[0]) : new TableName(parts[0], parts[1]);
    }

    /** {@code schema.name}, as answers and event data show it. */
    String qualified() {
        return schema + "." + name;
    }

    /** {@code "schema"."name"}, for DDL. */
    String sql() {
        return SqlText.identifier(schema) + "." + SqlText.identifier(name);
    }

    private static ApiException invalid(String raw) {
        return ApiException.validation("table: '" + SourceFields.shown(raw, 80)
                + "' is not schema.name or name, each part a letter or '_' then up to 62 letters, digits, '_' or '$'");
    }
}
