package io.hookrelay.source;

import java.util.stream.Collectors;

/**
 * The DDL of table watches. Nothing here takes a bind parameter (DDL cannot), so every name goes through
 * {@link SqlText#identifier} and every trigger argument through {@link SqlText#literal}, on top of the
 * validation the values already passed.
 */
final class TableWatchSql {

    /** The trigger function every watch calls; migration V4__table_watch.sql creates it. */
    static final String FUNCTION = "hookrelay_table_change";

    private TableWatchSql() {
    }

    static String createTrigger(String ownSchema, TableWatch watch) {
        String events = watch.operations().stream().map(TableWatchSql::triggerEvent).collect(Collectors.joining(" OR "));
        return "CREATE TRIGGER " + SqlText.identifier(watch.triggerName())
                + " AFTER " + events + " ON " + watch.table().sql()
                + " FOR EACH ROW EXECUTE FUNCTION " + SqlText.identifier(ownSchema) + "." + FUNCTION + "("
                + SqlText.literal(watch.sourceId().toString()) + ", "
                + SqlText.literal(watch.tenantId().toString()) + ", "
                + SqlText.literal(watch.eventTypePrefix()) + ")";
    }

    /** A fixed keyword per operation: the caller's words never reach the DDL themselves. */
    private static String triggerEvent(String operation) {
        return switch (operation) {
            case "insert" -> "INSERT";
            case "update" -> "UPDATE";
            case "delete" -> "DELETE";
            default -> throw new IllegalArgumentException("not a trigger operation: " + operation);
        };
    }

    static String dropTrigger(String triggerName, TableName table) {
        return "DROP TRIGGER IF EXISTS " + SqlText.identifier(triggerName) + " ON " + table.sql();
    }
}
