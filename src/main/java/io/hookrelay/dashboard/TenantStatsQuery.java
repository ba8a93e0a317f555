package io.hookrelay.dashboard;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;

/**
 * A tenant's (or, for the admin, every tenant's) delivery totals over a window, its backlog, and the
 * subscriptions that are slowest and fail most. Each statement names the tenant condition only when
 * there is a tenant, so a tenant's query walks its own index entries.
 */
final class TenantStatsQuery {

    private static final String TENANT_EXISTS = "SELECT 1 FROM tenants WHERE id = $1";
    static final String TOTALS = "SELECT count(*) AS attempts,"
            + " count(*) FILTER (WHERE status_code BETWEEN 200 AND 299) AS successes, " + Percentiles.SELECT + """
             FROM delivery_attempts
            WHERE %s AND attempted_at >= $1 AND attempted_at < $2
            """;
    // Counted separately so each count can use its own partial or composite index.
    static final String BACKLOG = """
            SELECT (SELECT count(*) FROM deliveries WHERE %1$s AND status = 'pending') AS pending,
                   (SELECT count(*) FROM deliveries WHERE %1$s AND status = 'parked') AS parked
            """;
    static final String SUBSCRIPTIONS = """
            SELECT count(*) FILTER (WHERE status = 'active') AS active,
                   count(*) FILTER (WHERE status = 'disabled') AS disabled
            FROM subscriptions WHERE %s
            """;
    static final String RANKED = """
            WITH per_subscription AS (
                SELECT subscription_id, count(*) AS attempts,
                       count(*) FILTER (WHERE status_code IS NULL OR status_code NOT BETWEEN 200 AND 299) AS failures,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
                FROM delivery_attempts
                WHERE %s AND attempted_at >= $1 AND attempted_at < $2
                GROUP BY subscription_id),
            slowest AS (
                SELECT 'slowest' AS list, * FROM per_subscription ORDER BY p95 DESC, subscription_id LIMIT 5),
            failing AS (
                SELECT 'failing' AS list, * FROM per_subscription WHERE failures > 0
                ORDER BY failures DESC, subscription_id LIMIT 5)
            SELECT r.list, r.subscription_id, r.attempts, r.failures, r.p95,
                   s.tenant_id, s.url, s.status, s.failure_streak
            FROM (SELECT * FROM slowest UNION ALL SELECT * FROM failing) r
            JOIN subscriptions s ON s.id = r.subscription_id
            ORDER BY r.list DESC, CASE WHEN r.list = 'slowest' THEN r.p95 ELSE r.failures END DESC, r.subscription_id
            """;

    private final Pool pool;
    private final Clock clock;

    TenantStatsQuery(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    Future<JsonObject> run(Scope scope, StatsWindow window) {
        StatsWindow.Range range = window.rangeAt(clock.instant());
        Future<Void> known = scope.allTenants() || !scope.caller().admin() ? Future.succeededFuture()
                : pool.preparedQuery(TENANT_EXISTS).execute(Tuple.of(scope.tenantId())).compose(rows -> rows.size() == 1
                        ? Future.<Void>succeededFuture()
                        : Future.failedFuture(ApiException.notFound("tenant", scope.tenantId().toString())));
        return known.compose(ok -> {
            String windowTenant = windowTenant(scope);
            String tenant = tenant(scope);
            Tuple windowArgs = Tuple.of(range.from(), range.to(), scope.tenantId());
            Tuple tenantArgs = Tuple.of(scope.tenantId());
            Future<Row> totals = pool.preparedQuery(TOTALS.formatted(windowTenant)).execute(windowArgs)
                    .map(rows -> rows.iterator().next());
            Future<Row> backlog = pool.preparedQuery(BACKLOG.formatted(tenant)).execute(tenantArgs)
                    .map(rows -> rows.iterator().next());
            Future<Row> subscriptions = pool.preparedQuery(SUBSCRIPTIONS.formatted(tenant)).execute(tenantArgs)
                    .map(rows -> rows.iterator().next());
            Future<JsonObject> ranked = pool.preparedQuery(RANKED.formatted(windowTenant)).execute(windowArgs)
                    .map(TenantStatsQuery::ranked);
            return Future.all(totals, backlog, subscriptions, ranked).map(all -> {
                long attempts = totals.result().getLong("attempts");
                long successes = totals.result().getLong("successes");
                return new JsonObject()
                        .put("tenant_id", scope.allTenants() ? null : scope.tenantId().toString())
                        .put("window", window.label())
                        .put("from", JsonFormat.time(range.from()))
                        .put("to", JsonFormat.time(range.to()))
                        .put("attempts", attempts)
                        .put("successes", successes)
                        .put("failures", attempts - successes)
                        .put("success_rate", Percentiles.rate(successes, attempts))
                        .put("latency_ms", Percentiles.from(totals.result()))
                        .put("backlog", new JsonObject().put("pending", backlog.result().getLong("pending"))
                                .put("parked", backlog.result().getLong("parked")))
                        .put("subscriptions", new JsonObject().put("active", subscriptions.result().getLong("active"))
                                .put("disabled", subscriptions.result().getLong("disabled")))
                        .put("slowest_subscriptions", ranked.result().getJsonArray("slowest"))
                        .put("most_failing_subscriptions", ranked.result().getJsonArray("failing"));
            });
        });
    }

    /** Window queries take $1/$2 for the range, so the tenant is $3. */
    static String windowTenant(Scope scope) {
        return scope.allTenants() ? "$3::uuid IS NULL" : "tenant_id = $3";
    }

    /** The other queries take the tenant as $1. */
    static String tenant(Scope scope) {
        return scope.allTenants() ? "$1::uuid IS NULL" : "tenant_id = $1";
    }

    private static JsonObject ranked(Iterable<Row> rows) {
        JsonArray slowest = new JsonArray();
        JsonArray failing = new JsonArray();
        for (Row row : rows) {
            long attempts = row.getLong("attempts");
            long failures = row.getLong("failures");
            JsonObject entry = new JsonObject()
                    .put("subscription_id", row.getUUID("subscription_id").toString())
                    .put("tenant_id", row.getUUID("tenant_id").toString())
                    .put("url", row.getString("url"))
                    .put("status", row.getString("status"))
                    .put("attempts", attempts)
                    .put("failures", failures)
                    .put("success_rate", Percentiles.rate(attempts - failures, attempts))
                    .put("p95_ms", Percentiles.rounded(row.getDouble("p95")))
                    .put("failure_streak", row.getInteger("failure_streak"));
            ("slowest".equals(row.getString("list")) ? slowest : failing).add(entry);
        }
        return new JsonObject().put("slowest", slowest).put("failing", failing);
    }
}
