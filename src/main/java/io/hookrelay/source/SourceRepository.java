package io.hookrelay.source;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code sources} rows. Reads take an optional tenant: null is the admin, who sees every tenant's
 * sources; otherwise a row of another tenant is simply not found.
 */
final class SourceRepository {

    private static final String COLUMNS = """
            id, tenant_id, kind, table_schema, table_name, operations, event_type_prefix, trigger_name, url,
            interval_seconds, headers, include_body, last_polled_at, next_poll_at, consecutive_failures, last_error,
            created_at""";
    // next_poll_at = now(): a new source is due at once, so its first snapshot does not wait an interval.
    private static final String INSERT_HTTP = """
            INSERT INTO sources (id, tenant_id, kind, url, interval_seconds, headers, include_body, next_poll_at)
            VALUES ($1, $2, 'http', $3, $4, $5, $6, now())
            RETURNING\s""" + COLUMNS;
    // The partial unique index allows one watch per (tenant, table); a second one returns no row.
    private static final String INSERT_TABLE = """
            INSERT INTO sources (id, tenant_id, kind, table_schema, table_name, operations, event_type_prefix, trigger_name)
            VALUES ($1, $2, 'table', $3, $4, $5, $6, $7)
            ON CONFLICT (tenant_id, table_schema, table_name) WHERE kind = 'table' DO NOTHING
            RETURNING\s""" + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM sources WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2)";
    // Deleting locks the row first, so a concurrent delete of the same watch waits and then finds nothing.
    private static final String LOCK = FIND + " FOR UPDATE";
    private static final String PAGE_ALL = "SELECT " + COLUMNS + """
             FROM sources
            WHERE ($1::uuid IS NULL OR id < $1)
            ORDER BY id DESC LIMIT $2
            """;
    private static final String PAGE_TENANT = "SELECT " + COLUMNS + """
             FROM sources
            WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id < $2)
            ORDER BY id DESC LIMIT $3
            """;
    private static final String DELETE = "DELETE FROM sources WHERE id = $1";
    private static final String TENANT_EXISTS = "SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)";

    Future<Source> insertHttp(SqlClient sql, UUID id, UUID tenantId, HttpSourceSpec spec) {
        return sql.preparedQuery(INSERT_HTTP)
                .execute(Tuple.of(id, tenantId, spec.url(), spec.intervalSeconds(), spec.headers(), spec.includeBody()))
                .map(rows -> map(rows.iterator().next()));
    }

    /** Empty when the tenant already watches this table. */
    Future<Optional<Source>> insertTable(SqlClient sql, TableWatch watch) {
        Tuple args = Tuple.of(watch.sourceId(), watch.tenantId(), watch.table().schema(), watch.table().name(),
                watch.operations().toArray(String[]::new), watch.eventTypePrefix(), watch.triggerName());
        return sql.preparedQuery(INSERT_TABLE).execute(args).map(SourceRepository::first);
    }

    Future<Optional<Source>> find(SqlClient sql, UUID id, UUID tenantOrAll) {
        return sql.preparedQuery(FIND).execute(Tuple.of(id, tenantOrAll)).map(SourceRepository::first);
    }

    Future<Optional<Source>> lock(SqlClient sql, UUID id, UUID tenantOrAll) {
        return sql.preparedQuery(LOCK).execute(Tuple.of(id, tenantOrAll)).map(SourceRepository::first);
    }

    Future<List<Source>> page(SqlClient sql, UUID tenantOrAll, UUID after, int count) {
        Future<RowSet<Row>> rows = tenantOrAll == null
                ? sql.preparedQuery(PAGE_ALL).execute(Tuple.of(after, count))
                : sql.preparedQuery(PAGE_TENANT).execute(Tuple.of(tenantOrAll, after, count));
        return rows.map(found -> {
            List<Source> list = new ArrayList<>(found.size());
            found.forEach(row -> list.add(map(row)));
            return list;
        });
    }

    Future<Void> delete(SqlClient sql, UUID id) {
        return sql.preparedQuery(DELETE).execute(Tuple.of(id)).mapEmpty();
    }

    Future<Boolean> tenantExists(SqlClient sql, UUID tenantId) {
        return sql.preparedQuery(TENANT_EXISTS).execute(Tuple.of(tenantId)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    private static Optional<Source> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    private static Source map(Row row) {
        String schema = row.getString("table_schema");
        String[] operations = row.getArrayOfStrings("operations");
        Object headers = row.getValue("headers");
        return new Source(
                row.getUUID("id"),
                row.getUUID("tenant_id"),
                row.getString("kind"),
                schema == null ? null : new TableName(schema, row.getString("table_name")),
                operations == null ? null : List.copyOf(Arrays.asList(operations)),
                row.getString("event_type_prefix"),
                row.getString("trigger_name"),
                row.getString("url"),
                row.getInteger("interval_seconds"),
                headers instanceof JsonObject json ? json : new JsonObject(),
                row.getBoolean("include_body"),
                row.getOffsetDateTime("last_polled_at"),
                row.getOffsetDateTime("next_poll_at"),
                row.getInteger("consecutive_failures"),
                row.getString("last_error"),
                row.getOffsetDateTime("created_at"));
    }
}
