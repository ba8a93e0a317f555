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
 * is below the horizon of the reading snapshot (see migration V7 and {@link #HORIZON_CTE}). Each read also answers the horizon,
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

    /**
     * The oldest transaction of this snapshot still running that could write events, else the snapshot's
     * xmax. Like pg_snapshot_xmin, but transactions known to run in another database of the server (they
     * cannot write this table) do not count, so a long transaction elsewhere does not hold streams back.
     * A running transaction missing from pg_stat_activity (not visible to this role, or prepared) counts.
     */
    private static final String HORIZON_CTE = """
            WITH snapshot AS (SELECT pg_current_snapshot() AS s),
            horizon AS MATERIALIZED (
                SELECT coalesce(
                    (SELECT running FROM pg_snapshot_xip((SELECT s FROM snapshot)) AS running
                      WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                         WHERE a.backend_xid = xid(running)
                                           AND a.datname IS DISTINCT FROM current_database())
                      ORDER BY running LIMIT 1),
                    pg_snapshot_xmax((SELECT s FROM snapshot))) AS xmin)
            """;
    private static final String SELECT = HORIZON_CTE + """
            SELECT horizon.xmin::text AS horizon, %s AS held, e.*
              FROM horizon LEFT JOIN LATERAL (
                    SELECT id, seq, xid::text AS xid_text, tenant_id, type, data, subscription_ids, source_id, created_at
                      FROM events
                     WHERE %s (events.xid, seq) > (coalesce($1::text::xid8, horizon.xmin), $2)
                       AND events.xid < horizon.xmin
                     ORDER BY events.xid, seq
                     LIMIT $3) e ON true
            """;
    private static final String ONE_TENANT = SELECT.formatted("false", "tenant_id = $4 AND");
    private static final String ALL_TENANTS = SELECT.formatted("false", "");
    // The newest visible event by xid, found at the end of the (xid, seq) index: an EXISTS over
    // "xid >= horizon" would scan the whole table whenever nothing is held.
    private static final String FEED = SELECT.formatted(
            "coalesce((SELECT xid FROM events ORDER BY xid DESC LIMIT 1) >= horizon.xmin, false)", "");
    private static final String HORIZON = HORIZON_CTE + "SELECT xmin::text AS horizon FROM horizon";

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
                events.add(FeedEvent.of(new StreamPosition(Long.parseLong(row.getString("xid_text")), row.getLong("seq")),
                        EventStore.map(row)));
            }
        }
        return new Slice(events, horizon, events.size() >= limit, held);
    }
}
