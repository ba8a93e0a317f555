package io.hookrelay.source;

import io.hookrelay.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a caller asks for when creating a table watch: the table, which changes become events, and the
 * prefix of their types. The prefix ends up inside a trigger definition, so it is checked here even
 * though the contract checks it too.
 */
record TableWatchSpec(TableName table, List<String> operations, String eventTypePrefix) {

    /** In the order PostgreSQL lists trigger events, so stored and shown operations read the same way. */
    static final List<String> ALL_OPERATIONS = List.of("insert", "update", "delete");
    private static final Pattern PREFIX = Pattern.compile("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$");
    private static final int MAX_PREFIX = 100;

    static TableWatchSpec from(JsonObject body) {
        SourceFields.refuseForeign(body, "table", "url", "interval", "headers", "include_body");
        TableName table = TableName.parse(body.getString("table"));
        refuseSystemSchema(table);
        String given = body.getString("event_type_prefix");
        String prefix = given == null ? table.name() : given;
        if (prefix.length() > MAX_PREFIX || !PREFIX.matcher(prefix).matches()) {
            throw ApiException.validation(given == null
                    ? "event_type_prefix: the table name " + table.name() + " is not a valid event type prefix; give one"
                    : "event_type_prefix: '" + SourceFields.shown(prefix, 100) + "' must be dot-separated words of letters, digits, '_' or '-'");
        }
        return new TableWatchSpec(table, operations(body.getJsonArray("operations")), prefix);
    }

    // Every schema named pg_* is PostgreSQL's (users cannot create one), as is information_schema.
    private static void refuseSystemSchema(TableName table) {
        if (table.schema().startsWith("pg_") || table.schema().equals("information_schema")) {
            throw ApiException.unprocessable("table-not-watchable",
                    "table: " + table.qualified() + " is a PostgreSQL system table and cannot be watched");
        }
    }

    private static List<String> operations(JsonArray raw) {
        if (raw == null) {
            return ALL_OPERATIONS;
        }
        if (raw.isEmpty()) {
            throw ApiException.validation("operations: name at least one of insert, update, delete");
        }
        List<String> chosen = new ArrayList<>();
        for (Object item : raw) {
            if (!(item instanceof String operation) || !ALL_OPERATIONS.contains(operation)) {
                throw ApiException.validation("operations: every entry must be insert, update or delete");
            }
        }
        for (String operation : ALL_OPERATIONS) {
            if (raw.contains(operation)) {
                chosen.add(operation);
            }
        }
        return List.copyOf(chosen);
    }
}
