package io.hookrelay.source;

import io.hookrelay.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * Installs and removes table watches. The sources row and the trigger change together in one
 * transaction: there is never a trigger writing events for a source that does not exist, nor a source
 * that claims a watch no trigger performs.
 */
final class TableWatches {

    /**
     * CREATE TRIGGER and DROP TRIGGER wait for the table's running transactions, and while they wait every
     * new writer of the table queues behind them. A short timeout turns a busy table into a retryable
     * answer instead of stalling the application that owns it.
     */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);

    /** Hookrelay's own tables: watching them would turn its bookkeeping into events, or loop. */
    static final Set<String> OWN_TABLES = Set.of("tenants", "api_keys", "subscriptions", "events", "event_types",
            "sources", "idempotency_keys", "settings", "flyway_schema_history", "deliveries", "delivery_attempts");

    private static final String SET_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', $1, true)";
    // Hookrelay's schema is where its events table is: the schema Flyway migrated.
    private static final String CATALOG = """
            SELECT own.nspname AS own_schema,
                   EXISTS (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS table_exists
            FROM pg_class e JOIN pg_namespace own ON own.oid = e.relnamespace
            WHERE e.oid = to_regclass('events')
            """;
    // By name, not by the stored table: a renamed table keeps its trigger. Partition clones have a parent.
    private static final String FIND_TRIGGER = """
            SELECT n.nspname, c.relname
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE t.tgname = $1 AND t.tgparentid = 0
            """;

    private final SourceRepository repository;

    TableWatches(SourceRepository repository) {
        this.repository = repository;
    }

    /** Checks the table, writes the sources row and creates the trigger; answers the new source. */
    Future<Source> install(SqlConnection conn, UUID sourceId, UUID tenantId, TableWatchSpec spec) {
        TableWatch watch = TableWatch.of(sourceId, tenantId, spec);
        return Transactions.within(conn, tx -> limitLockWaits(tx)
                        .compose(ignored -> tx.preparedQuery(CATALOG).execute(Tuple.of(watch.table().schema(), watch.table().name())))
                        .compose(rows -> {
                            Row row = rows.iterator().next();
                            String ownSchema = row.getString("own_schema");
                            refuseOwnTable(watch.table(), ownSchema);
                            if (!row.getBoolean("table_exists")) {
                                throw unknownTable(watch.table());
                            }
                            // The trigger function itself comes from migration V4__table_watch.sql.
                            return repository.insertTable(tx, watch)
                                    .compose(inserted -> {
                                        Source source = inserted.orElseThrow(() -> ApiException.conflict("table-already-watched",
                                                "this tenant already watches " + watch.table().qualified()
                                                        + "; delete that source first to change its operations or prefix"));
                                        return tx.query(TableWatchSql.createTrigger(ownSchema, watch)).execute().map(source);
                                    });
                        }))
                .recover(failure -> Future.failedFuture(explain(failure, watch.table())));
    }

    /** Drops the trigger of a table watch, wherever its table is now; a dropped table has nothing to drop. */
    Future<Void> remove(SqlConnection conn, Source source) {
        return Transactions.within(conn, tx -> limitLockWaits(tx)
                        .compose(ignored -> tx.preparedQuery(FIND_TRIGGER).execute(Tuple.of(source.triggerName())))
                        .compose(rows -> {
                            if (rows.size() == 0) {
                                return Future.<Void>succeededFuture();
                            }
                            Row row = rows.iterator().next();
                            TableName current = new TableName(row.getString(0), row.getString(1));
                            return tx.query(TableWatchSql.dropTrigger(source.triggerName(), current)).execute().<Void>mapEmpty();
                        }))
                .recover(failure -> Future.failedFuture(explain(failure, source.table())));
    }

    private static Future<Void> limitLockWaits(SqlConnection tx) {
        return tx.preparedQuery(SET_LOCK_TIMEOUT).execute(Tuple.of(LOCK_TIMEOUT.toMillis() + "ms")).mapEmpty();
    }

    private static void refuseOwnTable(TableName table, String ownSchema) {
        if (table.schema().equals(ownSchema) && OWN_TABLES.contains(table.name())) {
            throw ApiException.unprocessable("table-not-watchable",
                    "table: " + table.qualified() + " is one of Hookrelay's own tables and cannot be watched");
        }
    }

    private static ApiException unknownTable(TableName table) {
        return new ApiException(404, "not-found", "Not found",
                "no table " + table.qualified() + " in Hookrelay's database (names are matched exactly; views cannot be watched)");
    }

    /** The database errors a caller can act on; anything else stays a failure of ours. */
    private static Throwable explain(Throwable failure, TableName table) {
        if (!(failure instanceof DatabaseException db) || db.getSqlState() == null) {
            return failure;
        }
        return switch (db.getSqlState()) {
            case "42501" -> ApiException.unprocessable("table-not-watchable", "table: Hookrelay's database role may not add"
                    + " triggers to " + table.qualified() + "; grant it TRIGGER on the table, or let it own the table");
            case "55P03" -> new ApiException(503, "table-busy", "Try again later", "table: " + table.qualified()
                    + " stayed locked by other transactions for " + LOCK_TIMEOUT.toSeconds() + " s; try again when they have finished");
            case "42P01" -> unknownTable(table);
            case "23503" -> new ApiException(404, "not-found", "Not found", "tenant_id: no such tenant");
            default -> failure;
        };
    }
}
