package io.hookrelay.dashboard;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.data.Interval;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** One subscription's delivery health over a window, from its attempts and its deliveries' states. */
final class SubscriptionStatsQuery {

    static final String SUBSCRIPTION = """
            SELECT failure_streak, failing_since, last_success_at, last_failure_at
            FROM subscriptions WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2)
            """;
    static final String SUMMARY = "SELECT count(*) AS attempts,"
            + " count(*) FILTER (WHERE status_code BETWEEN 200 AND 299) AS successes, " + Percentiles.SELECT + """
             FROM delivery_attempts
            WHERE subscription_id = $1 AND attempted_at >= $2 AND attempted_at < $3
            """;
    static final String BACKLOG = """
            SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
                   count(*) FILTER (WHERE status = 'parked') AS parked
            FROM deliveries WHERE subscription_id = $1 AND status IN ('pending', 'parked')
            """;
    // Buckets with attempts come from one pass over the window; generate_series adds the empty ones so a
    // chart has a point for every bucket.
    static final String SERIES = """
            WITH binned AS (
                SELECT date_bin($4::interval, attempted_at, $5::timestamptz) AS start, count(*) AS attempts,
                       count(*) FILTER (WHERE status_code BETWEEN 200 AND 299) AS successes,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
                FROM delivery_attempts
                WHERE subscription_id = $1 AND attempted_at >= $2 AND attempted_at < $3
                GROUP BY 1)
            SELECT s.start, coalesce(b.attempts, 0) AS attempts, coalesce(b.successes, 0) AS successes, b.p95
            FROM generate_series($2::timestamptz, $3::timestamptz - $4::interval, $4::interval) AS s (start)
            LEFT JOIN binned b ON b.start = s.start
            ORDER BY s.start
            """;
    private static final OffsetDateTime EPOCH = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final Pool pool;
    private final Clock clock;

    SubscriptionStatsQuery(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    Future<JsonObject> run(Scope scope, UUID subscriptionId, StatsWindow window) {
        StatsWindow.Range range = window.rangeAt(clock.instant());
        Tuple inWindow = Tuple.of(subscriptionId, range.from(), range.to());
        Interval bucket = Interval.of(0, 0, 0, 0, 0, (int) window.bucket().toSeconds());
        return pool.preparedQuery(SUBSCRIPTION).execute(Tuple.of(subscriptionId, scope.tenantId())).compose(found -> {
            if (found.size() == 0) {
                return Future.failedFuture(ApiException.notFound("subscription", subscriptionId.toString()));
            }
            Row subscription = found.iterator().next();
            Future<Row> summary = pool.preparedQuery(SUMMARY).execute(inWindow).map(rows -> rows.iterator().next());
            Future<Row> backlog = pool.preparedQuery(BACKLOG).execute(Tuple.of(subscriptionId))
                    .map(rows -> rows.iterator().next());
            Future<JsonArray> series = pool.preparedQuery(SERIES)
                    .execute(Tuple.of(subscriptionId, range.from(), range.to(), bucket, EPOCH))
                    .map(SubscriptionStatsQuery::series);
            return Future.all(summary, backlog, series).map(all -> {
                Row totals = summary.result();
                long attempts = totals.getLong("attempts");
                long successes = totals.getLong("successes");
                return new JsonObject()
                        .put("subscription_id", subscriptionId.toString())
                        .put("window", window.label())
                        .put("from", JsonFormat.time(range.from()))
                        .put("to", JsonFormat.time(range.to()))
                        .put("bucket_seconds", window.bucket().toSeconds())
                        .put("attempts", attempts)
                        .put("successes", successes)
                        .put("failures", attempts - successes)
                        .put("success_rate", Percentiles.rate(successes, attempts))
                        .put("latency_ms", Percentiles.from(totals))
                        .put("backlog", new JsonObject().put("pending", backlog.result().getLong("pending"))
                                .put("parked", backlog.result().getLong("parked")))
                        .put("last_success_at", JsonFormat.time(subscription.getOffsetDateTime("last_success_at")))
                        .put("last_failure_at", JsonFormat.time(subscription.getOffsetDateTime("last_failure_at")))
                        .put("failure_streak", subscription.getInteger("failure_streak"))
                        .put("failing_since", JsonFormat.time(subscription.getOffsetDateTime("failing_since")))
                        .put("series", series.result());
            });
        });
    }

    private static JsonArray series(Iterable<Row> rows) {
        JsonArray buckets = new JsonArray();
        for (Row row : rows) {
            long attempts = row.getLong("attempts");
            long successes = row.getLong("successes");
            buckets.add(new JsonObject()
                    .put("start", JsonFormat.time(row.getOffsetDateTime("start")))
                    .put("attempts", attempts)
                    .put("successes", successes)
                    .put("failures", attempts - successes)
                    .put("p95_ms", Percentiles.rounded(row.getDouble("p95"))));
        }
        return buckets;
    }
}
