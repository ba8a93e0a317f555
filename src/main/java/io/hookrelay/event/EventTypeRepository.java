package io.hookrelay.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

final class EventTypeRepository {

    private static final String COLUMNS = "name, description, schema, created_at, updated_at";
    private static final String INSERT = """
            INSERT INTO event_types (tenant_id, name, description, schema) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id, name) DO NOTHING
            RETURNING\s""" + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM event_types WHERE tenant_id = $1 AND name = $2";
    private static final String SCHEMA = "SELECT schema FROM event_types WHERE tenant_id = $1 AND name = $2";
    private static final String PAGE = "SELECT " + COLUMNS + """
             FROM event_types WHERE tenant_id = $1 AND ($2::text IS NULL OR name > $2)
            ORDER BY name LIMIT $3
            """;
    private static final String UPDATE = """
            UPDATE event_types SET
                description = CASE WHEN $3 THEN $4 ELSE description END,
                schema = CASE WHEN $5 THEN $6 ELSE schema END,
                updated_at = now()
            WHERE tenant_id = $1 AND name = $2
            RETURNING\s""" + COLUMNS;
    private static final String DELETE = "DELETE FROM event_types WHERE tenant_id = $1 AND name = $2";

    Future<Optional<EventTypes>> insert(SqlClient sql, UUID tenantId, String name, String description, JsonObject schema) {
        return sql.preparedQuery(INSERT).execute(Tuple.of(tenantId, name, description, schema)).map(EventTypeRepository::first);
    }

    Future<Optional<EventTypes>> find(SqlClient sql, UUID tenantId, String name) {
        return sql.preparedQuery(FIND).execute(Tuple.of(tenantId, name)).map(EventTypeRepository::first);
    }

    /** Empty when the type is not in the catalogue or has no schema. */
    Future<Optional<JsonObject>> schema(SqlClient sql, UUID tenantId, String name) {
        return sql.preparedQuery(SCHEMA).execute(Tuple.of(tenantId, name)).map(rows -> rows.size() == 0
                ? Optional.empty()
                : Optional.ofNullable(rows.iterator().next().getJsonObject("schema")));
    }

    Future<List<EventTypes>> page(SqlClient sql, UUID tenantId, String after, int count) {
        return sql.preparedQuery(PAGE).execute(Tuple.of(tenantId, after, count)).map(rows -> {
            List<EventTypes> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(map(row)));
            return list;
        });
    }

    Future<Optional<EventTypes>> update(SqlClient sql, UUID tenantId, String name, boolean setDescription,
                                        String description, boolean setSchema, JsonObject schema) {
        return sql.preparedQuery(UPDATE)
                .execute(Tuple.of(tenantId, name, setDescription, description, setSchema, schema))
                .map(EventTypeRepository::first);
    }

    Future<Boolean> delete(SqlClient sql, UUID tenantId, String name) {
        return sql.preparedQuery(DELETE).execute(Tuple.of(tenantId, name)).map(rows -> rows.rowCount() == 1);
    }

    private static Optional<EventTypes> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    private static EventTypes map(Row row) {
        return new EventTypes(row.getString("name"), row.getString("description"), row.getJsonObject("schema"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
    }
}
