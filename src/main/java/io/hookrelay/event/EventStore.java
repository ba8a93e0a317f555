package io.hookrelay.event;

import io.hookrelay.db.Ids;
import io.hookrelay.delivery.FanOut;
import io.hookrelay.http.RawJson;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads and writes the outbox table {@code events}. What it writes is fanned out to deliveries in the same
 * statement; events written otherwise (table triggers, SQL of the engine's own) come in undispatched for the
 * dispatcher. Writing needs no explicit NOTIFY: a statement trigger on the table sends it, which wakes the
 * delivery engines and the event streams of every instance.
 */
public final class EventStore {

    public static final String COLUMNS = "id, seq, tenant_id, type, data, subscription_ids, source_id, created_at";
    // Written dispatched, with their deliveries in the same statement (FanOut): the dispatcher's claim and second
    // write of each event row (a new row version and an entry in every index of events) made up the largest part
    // of the database's work per event on the end-to-end bench.
    private static final String INSERT = """
            WITH inserted AS (
                INSERT INTO events (id, tenant_id, type, data, subscription_ids, source_id, dispatched_at)
                VALUES ($1, $2, $3, $4::text::jsonb, $5, $6, clock_timestamp())
                RETURNING\s""" + COLUMNS + """
            ),
            fanned AS (
            """ + FanOut.deliveriesOf("inserted") + """
            )
            SELECT\s""" + COLUMNS + " FROM inserted";
    /** Many events in one statement (and one commit, outside a transaction), in the order given. */
    private static final String INSERT_ALL = """
            WITH inserted AS (
                INSERT INTO events (id, tenant_id, type, data, subscription_ids, source_id, dispatched_at)
                SELECT id, tenant_id, type, data::jsonb,
                       CASE WHEN targets IS NULL THEN NULL ELSE string_to_array(targets, ',')::uuid[] END, source_id,
                       clock_timestamp()
                FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[]) WITH ORDINALITY
                    AS batch (id, tenant_id, type, data, targets, source_id, position)
                ORDER BY position
                RETURNING id, seq, tenant_id, type, subscription_ids, created_at),
            fanned AS (
            """ + FanOut.deliveriesOf("inserted") + """
            )
            SELECT id, seq, created_at FROM inserted
            """;
    private static final String FIND = "SELECT " + COLUMNS + " FROM events WHERE id = $1 AND tenant_id = $2";

    public Future<Event> insert(SqlClient sql, NewEvent event) {
        UUID[] targets = event.subscriptionIds() == null ? null : event.subscriptionIds().toArray(UUID[]::new);
        return sql.preparedQuery(INSERT)
                .execute(Tuple.of(Ids.newId(), event.tenantId(), event.type(), encode(event.data()), targets, event.sourceId()))
                .map(rows -> map(rows.iterator().next()));
    }

    /** Writes {@code events} with the ids given (one each, in order) and answers them as stored, in the same order. */
    public static Future<List<Event>> insertAll(SqlClient sql, List<UUID> ids, List<NewEvent> events) {
        int n = events.size();
        UUID[] idArray = new UUID[n];
        UUID[] tenants = new UUID[n];
        String[] types = new String[n];
        String[] data = new String[n];
        String[] targets = new String[n];
        UUID[] sources = new UUID[n];
        for (int i = 0; i < n; i++) {
            NewEvent event = events.get(i);
            idArray[i] = ids.get(i);
            tenants[i] = event.tenantId();
            types[i] = event.type();
            data[i] = encode(event.data());
            targets[i] = event.subscriptionIds() == null ? null : joined(event.subscriptionIds());
            sources[i] = event.sourceId();
        }
        Tuple args = Tuple.tuple().addValue(idArray).addValue(tenants).addValue(types).addValue(data).addValue(targets)
                .addValue(sources);
        return sql.preparedQuery(INSERT_ALL).execute(args).map(rows -> {
            Map<UUID, Row> stored = new HashMap<>(n * 2);
            rows.forEach(row -> stored.put(row.getUUID("id"), row));
            List<Event> written = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Row row = stored.get(idArray[i]);
                NewEvent e = events.get(i);
                written.add(new Event(idArray[i], row.getLong("seq"), e.tenantId(), e.type(), e.data(), e.subscriptionIds(),
                        e.sourceId(), row.getOffsetDateTime("created_at")));
            }
            return written;
        });
    }

    private static String joined(List<UUID> ids) {
        StringBuilder text = new StringBuilder(ids.size() * 37);
        for (UUID id : ids) {
            text.append(text.length() == 0 ? "" : ",").append(id);
        }
        return text.toString();
    }

    public Future<Optional<Event>> find(SqlClient sql, UUID id, UUID tenantId) {
        return sql.preparedQuery(FIND).execute(Tuple.of(id, tenantId)).map(EventStore::first);
    }

    /** Any JSON value, written as JSON text: jsonb parameters would otherwise refuse bare scalars. */
    static String encode(Object data) {
        if (data == null) {
            return "null";
        }
        if (data instanceof RawJson raw) {
            return raw.text();
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
