package io.hookrelay.dashboard;

import io.hookrelay.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reading deliveries and their attempts, and queueing finished deliveries again. */
final class DeliveryRepository {

    /** One bulk retry queues at most this many, so a single call cannot hold locks on a huge set of rows. */
    static final int MAX_BULK_RETRY = 10_000;

    static final String PAGE = "SELECT " + DeliveryView.COLUMNS + """
             FROM deliveries d JOIN events e ON e.id = d.event_id
            WHERE %s
            ORDER BY d.id DESC LIMIT %s
            """;
    static final String ONE = "SELECT " + DeliveryView.COLUMNS + """
             FROM deliveries d JOIN events e ON e.id = d.event_id
            WHERE %s
            """;
    static final String ATTEMPTS = "SELECT " + AttemptView.COLUMNS + """
             FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempted_at, attempt
            """;
    // The same fresh start as enabling a subscription: due now, a new retry budget and age limit. The
    // attempt history and the total `attempts` stay; the event id (the webhook-id) does not change.
    private static final String QUEUE_AGAIN = """
            status = 'pending', next_attempt_at = now(), cycle_attempts = 0, cycle_started_at = now(), completed_at = NULL""";
    private static final String RETRY_ONE = """
            WITH target AS (
                SELECT d.id, d.status, s.status AS subscription_status
                FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
                WHERE %s),
            queued AS (
                UPDATE deliveries d SET %s
                FROM target t
                WHERE d.id = t.id AND d.status IN ('failed', 'succeeded') AND t.subscription_status = 'active'
                RETURNING d.id)
            SELECT t.status, t.subscription_status, (SELECT count(*) FROM queued) AS queued FROM target t
            """;
    // Rows another transaction holds (a retry racing this one) are skipped rather than waited for.
    static final String RETRY_MATCHING = """
            WITH picked AS (
                SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id AND s.status = 'active'
                WHERE %s
                ORDER BY d.id LIMIT %s
                FOR UPDATE OF d SKIP LOCKED),
            queued AS (
                UPDATE deliveries d SET %s
                FROM (SELECT id FROM picked LIMIT %s) p
                WHERE d.id = p.id AND d.status IN ('failed', 'succeeded')
                RETURNING 1)
            SELECT (SELECT count(*) FROM queued) AS queued, (SELECT count(*) FROM picked) AS picked
            """;

    /** What a bulk retry did. */
    record Queued(long queued, boolean limitReached) {
    }

    /** A statement and its parameters, as built for the filters given. */
    record Statement(String sql, Tuple args) {
    }

    Future<List<DeliveryView>> page(SqlClient sql, Scope scope, DeliveryFilter filter, UUID after, int fetch) {
        Statement page = pageStatement(scope, filter, after, fetch);
        return sql.preparedQuery(page.sql()).execute(page.args()).map(DeliveryRepository::all);
    }

    static Statement pageStatement(Scope scope, DeliveryFilter filter, UUID after, int fetch) {
        SqlWhere where = new SqlWhere();
        filter.appendTo(where, scope);
        if (after != null) {
            where.and("d.id < ?", after);
        }
        String limit = where.parameter(fetch);
        return new Statement(PAGE.formatted(where.sql(), limit), where.args());
    }

    static Statement findStatement(Scope scope, UUID id) {
        SqlWhere where = byId(scope, id);
        return new Statement(ONE.formatted(where.sql()), where.args());
    }

    Future<Optional<DeliveryView>> find(SqlClient sql, Scope scope, UUID id) {
        Statement one = findStatement(scope, id);
        return sql.preparedQuery(one.sql()).execute(one.args()).map(rows -> {
            List<DeliveryView> found = all(rows);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    Future<List<AttemptView>> attempts(SqlClient sql, UUID deliveryId) {
        return sql.preparedQuery(ATTEMPTS).execute(Tuple.of(deliveryId)).map(rows -> {
            List<AttemptView> attempts = new ArrayList<>(rows.size());
            rows.forEach(row -> attempts.add(AttemptView.from(row)));
            return attempts;
        });
    }

    /** Queues one delivery again, or fails with the 404 or 409 that explains why it cannot be. */
    Future<DeliveryView> retry(SqlClient sql, Scope scope, UUID id) {
        SqlWhere where = byId(scope, id);
        return sql.preparedQuery(RETRY_ONE.formatted(where.sql(), QUEUE_AGAIN)).execute(where.args()).compose(rows -> {
            if (rows.size() == 0) {
                return Future.failedFuture(ApiException.notFound("delivery", id.toString()));
            }
            Row row = rows.iterator().next();
            if (row.getLong("queued") == 0) {
                return Future.failedFuture(refusal(row.getString("status"), row.getString("subscription_status")));
            }
            return find(sql, scope, id).map(Optional::orElseThrow);
        });
    }

    Future<Queued> retryMatching(SqlClient sql, Scope scope, DeliveryFilter filter) {
        SqlWhere where = new SqlWhere();
        filter.appendTo(where, scope);
        String pick = where.parameter(MAX_BULK_RETRY + 1);
        String cap = where.parameter(MAX_BULK_RETRY);
        return sql.preparedQuery(RETRY_MATCHING.formatted(where.sql(), pick, QUEUE_AGAIN, cap)).execute(where.args())
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Queued(row.getLong("queued"), row.getLong("picked") > MAX_BULK_RETRY);
                });
    }

    private static ApiException refusal(String status, String subscriptionStatus) {
        if ("pending".equals(status)) {
            return ApiException.conflict("already-queued",
                    "the delivery is already pending: it is queued or being retried, wait for its outcome");
        }
        if ("parked".equals(status) || !"active".equals(subscriptionStatus)) {
            return ApiException.conflict("subscription-disabled",
                    "the delivery's subscription is disabled: enable it (POST /v1/subscriptions/{id}/enable),"
                            + " which queues its parked deliveries again");
        }
        // Another retry took it between our read and our update.
        return ApiException.conflict("already-queued", "the delivery was queued again by another request just now");
    }

    private static SqlWhere byId(Scope scope, UUID id) {
        SqlWhere where = new SqlWhere().and("d.id = ?", id);
        if (!scope.allTenants()) {
            where.and("d.tenant_id = ?", scope.tenantId());
        }
        return where;
    }

    private static List<DeliveryView> all(RowSet<Row> rows) {
        List<DeliveryView> found = new ArrayList<>(rows.size());
        rows.forEach(row -> found.add(DeliveryView.from(row)));
        return found;
    }
}
