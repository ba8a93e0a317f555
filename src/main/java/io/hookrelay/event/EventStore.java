package io.hookrelay.event;

import io.hookrelay.db.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads and writes the outbox table {@code events}. Writing needs no explicit NOTIFY: a statement
 * trigger on the table sends it, so events written by table triggers wake the dispatcher too.
 */
public final class EventStore {

    public static final String COLUMNS = "id, seq, tenant_id, type, data, subscription_ids, source_id, created_at";
    private static final String INSERT = """
            INSERT INTO events (id, tenant_id, type, data, subscription_ids, source_id)
            VALUES ($1, $2, $3, $4::text::jsonb, $5, $6)
            RETURNING\s""" + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM events WHERE id = $1 AND tenant_id = $2";

    public Future<Event> insert(SqlClient sql, NewEvent event) {
        UUID[] targets = event.subscriptionIds() == null ? null : event.subscriptionIds().toArray(UUID[]::new);
        return sql.preparedQuery(INSERT)
                .execute(Tuple.of(Ids.newId(), event.tenantId(), event.type(), encode(event.data()), targets, event.sourceId()))
                .map(rows -> map(rows.iterator().next()));
    }

    public Future<Optional<Event>> find(SqlClient sql, UUID id, UUID tenantId) {
        return sql.preparedQuery(FIND).execute(Tuple.of(id, tenantId)).map(EventStore::first);
    }

    /** Any JSON value, written as JSON text: jsonb parameters would otherwise refuse bare scalars. */
    static String encode(Object data) {
        if (data == null) {
            return "null";
        }
        if (data instanceof JsonObject object) {
            return object.encode();
        }
        if (data instanceof JsonArray array) {
            return array.encode();
        }
        return io.vertx.core.json.Json.encode(data);
    }

    static Optional<Event> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    static List<Event> all(RowSet<Row> rows) {
        List<Event> events = new ArrayList<>(rows.size());
        rows.forEach(row -> events.add(map(row)));
        return events;
    }

    public static Event map(Row row) {
        UUID[] targets = row.getArrayOfUUIDs("subscription_ids");
        OffsetDateTime created = row.getOffsetDateTime("created_at");
        Object data = row.getValue("data");
        return new Event(row.getUUID("id"), row.getLong("seq"), row.getUUID("tenant_id"), row.getString("type"),
                data == Tuple.JSON_NULL ? null : data, targets == null ? null : Arrays.asList(targets), row.getUUID("source_id"), created);
    }
}
