package io.hookrelay.source;

import java.util.stream.Collectors;

/**
 * The DDL of table watches. Nothing here takes a bind parameter (DDL cannot), so every name goes through
 * {@link SqlText#identifier} and every trigger argument through {@link SqlText#literal}, on top of the
 * validation the values already passed.
 */
final class TableWatchSql {

    static final String FUNCTION = "hookrelay_table_change";

    /*
     * One function serves every watch; the trigger's arguments say which source, tenant and type prefix.
     * SECURITY DEFINER: it runs as Hookrelay's role, so applications that write a watched table need no
     * rights on events, and since EXECUTE is revoked from PUBLIC no other role can attach it to a table
     * of its own to forge events. search_path is pinned (pg_catalog implicitly first, pg_temp last) so no
     * session's temporary table or function can stand in for Hookrelay's. A migration may hold the same
     * text (with the schema as a Flyway placeholder); TableWatches creates it only when it is missing.
     */
    private static final String CREATE_FUNCTION = """
            CREATE OR REPLACE FUNCTION %1$s.hookrelay_table_change() RETURNS trigger
                LANGUAGE plpgsql
                SECURITY DEFINER
                SET search_path = %1$s, pg_temp
            AS $function$
            DECLARE
                watch_id     uuid := TG_ARGV[0];
                tenant       uuid := TG_ARGV[1];
                type_prefix  text := TG_ARGV[2];
                watched      text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
                old_row      jsonb;
                new_row      jsonb;
                change       text;
                payload      jsonb;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    change := 'created';
                    payload := jsonb_build_object('operation', 'insert', 'table', watched, 'new', to_jsonb(NEW));
                ELSIF TG_OP = 'UPDATE' THEN
                    old_row := to_jsonb(OLD);
                    new_row := to_jsonb(NEW);
                    -- Rewriting a row with the values it had changes nothing a receiver could act on.
                    IF new_row = old_row THEN
                        RETURN NULL;
                    END IF;
                    change := 'updated';
                    payload := jsonb_build_object('operation', 'update', 'table', watched, 'new', new_row,
                        'changes', (SELECT jsonb_object_agg(n.key, jsonb_build_object('old', o.value, 'new', n.value))
                                      FROM jsonb_each(new_row) AS n JOIN jsonb_each(old_row) AS o ON o.key = n.key
                                     WHERE n.value IS DISTINCT FROM o.value));
                ELSE
                    change := 'deleted';
                    payload := jsonb_build_object('operation', 'delete', 'table', watched, 'old', to_jsonb(OLD));
                END IF;
                -- A trigger that outlived its source row (removed by hand, or with its tenant) writes
                -- nothing, rather than failing the application's write on the events foreign key.
                INSERT INTO events (tenant_id, type, data, source_id)
                SELECT tenant, type_prefix || '.' || change, payload, watch_id
                WHERE EXISTS (SELECT 1 FROM sources s WHERE s.id = watch_id);
                RETURN NULL;
            END
            $function$""";
    private static final String REVOKE_FUNCTION = "REVOKE ALL ON FUNCTION %s.hookrelay_table_change() FROM PUBLIC";

    private TableWatchSql() {
    }

    /** The shared trigger function, in Hookrelay's own schema (where {@code events} lives). */
    static String createFunction(String ownSchema) {
        return CREATE_FUNCTION.formatted(SqlText.identifier(ownSchema));
    }

    static String revokeFunction(String ownSchema) {
        return REVOKE_FUNCTION.formatted(SqlText.identifier(ownSchema));
    }

    /** What {@code to_regprocedure} takes to find the function. */
    static String functionSignature(String ownSchema) {
        return SqlText.identifier(ownSchema) + "." + FUNCTION + "()";
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
