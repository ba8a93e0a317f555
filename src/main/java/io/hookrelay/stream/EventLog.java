package io.hookrelay.stream;

import io.hookrelay.event.EventStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads the events table in feed order, handing out only final events: those whose writing transaction
 * is below the horizon of the reading snapshot (see migration V7). Each read also answers the horizon,
 * so a reader that has seen everything can move its position up to it.
 */
final class EventLog {

    /** Events of one read, at most {@code limit}; {@code held}: newer committed events wait for the horizon. */
    record Slice(List<FeedEvent> events, long horizon, boolean full, boolean held) {

        /** Where the next read starts: after this slice, and after the horizon once everything below it was read. */
        StreamPosition next(StreamPosition from) {
            StreamPosition last = events.isEmpty() ? from : StreamPosition.later(from, events.get(events.size() - 1).position());
            return full ? last : StreamPosition.later(last, StreamPosition.horizon(horizon));
        }
    }

    private static final String SELECT = """
            WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
            SELECT horizon.xmin::text AS horizon, %s AS held, e.*
              FROM horizon LEFT JOIN LATERAL (
                    SELECT id, seq, xid::text AS xid, tenant_id, type, data, subscription_ids, source_id, created_at
                      FROM events
                     WHERE %s (xid, seq) > (coalesce($1::text::xid8, horizon.xmin), $2)
                       AND xid < horizon.xmin
                     ORDER BY xid, seq
                     LIMIT $3) e ON true
            """;
    private static final String ONE_TENANT = SELECT.formatted("false", "tenant_id = $4 AND");
    private static final String ALL_TENANTS = SELECT.formatted("false", "");
    private static final String FEED = SELECT.formatted(
            "EXISTS (SELECT 1 FROM events WHERE xid >= horizon.xmin)", "");
    private static final String HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon";

    private EventLog() {
    }

    /** One tenant's events after {@code after} (null: from the horizon, that is from now), or every tenant's for a null tenant. */
    static Future<Slice> read(SqlClient sql, UUID tenantId, StreamPosition after, int limit) {
        Tuple args = args(after, limit);
        if (tenantId != null) {
            args.addValue(tenantId);
        }
        return sql.preparedQuery(tenantId == null ? ALL_TENANTS : ONE_TENANT).execute(args).map(rows -> slice(rows, limit));
    }

    /** Every tenant's events, and whether committed events are held back by an older open transaction. */
    static Future<Slice> feed(SqlClient sql, StreamPosition after, int limit) {
        return sql.preparedQuery(FEED).execute(args(after, limit)).map(rows -> slice(rows, limit));
    }

    static Future<Long> horizon(SqlClient sql) {
        return sql.query(HORIZON).execute().map(rows -> Long.parseLong(rows.iterator().next().getString("horizon")));
    }

    private static Tuple args(StreamPosition after, int limit) {
        return Tuple.tuple()
                .addValue(after == null ? null : Long.toString(after.xid()))
                .addValue(after == null ? 0L : after.seq())
                .addValue(limit);
    }

    private static Slice slice(Iterable<Row> rows, int limit) {
        List<FeedEvent> events = new ArrayList<>();
        long horizon = 0;
        boolean held = false;
        for (Row row : rows) {
            horizon = Long.parseLong(row.getString("horizon"));
            held = row.getBoolean("held");
            if (row.getValue("id") != null) {
                events.add(FeedEvent.of(new StreamPosition(Long.parseLong(row.getString("xid")), row.getLong("seq")),
                        EventStore.map(row)));
            }
        }
        return new Slice(events, horizon, events.size() >= limit, held);
    }
}
