package io.hookrelay.dashboard;

import io.hookrelay.support.TestDatabase;
import java.time.Instant;

/** Writes finished deliveries with exactly one attempt each, with chosen times, durations and answers. */
final class KnownAttempts {

    private final TestDatabase database;
    private final String tenantId;

    KnownAttempts(TestDatabase database, String tenantId) {
        this.database = database;
        this.tenantId = tenantId;
    }

    /** {@code statusCode} null means no answer (the error is then "timeout"). */
    void add(String subscriptionId, Instant at, int durationMs, Integer statusCode) {
        String status = statusCode != null && statusCode >= 200 && statusCode < 300 ? "succeeded" : "failed";
        database.execute("""
                WITH e AS (
                    INSERT INTO events (tenant_id, type, data, dispatched_at)
                    VALUES ('%1$s', 'stats.known', '{}', now()) RETURNING id),
                d AS (
                    INSERT INTO deliveries (tenant_id, event_id, subscription_id, status, attempts, completed_at,
                                            last_status_code, last_attempt_at)
                    SELECT '%1$s', e.id, '%2$s', '%3$s', 1, now(), %5$s, '%4$s' FROM e RETURNING id)
                INSERT INTO delivery_attempts (delivery_id, tenant_id, subscription_id, attempt, attempted_at, duration_ms,
                                               status_code, error)
                SELECT d.id, '%1$s', '%2$s', 1, '%4$s', %6$d, %5$s, %7$s FROM d
                """.formatted(tenantId, subscriptionId, status, at, statusCode == null ? "NULL" : statusCode.toString(),
                durationMs, statusCode == null ? "'timeout'" : "NULL"));
    }

    /** A delivery waiting in the backlog (due far in the future, so the engine leaves it alone). */
    void backlog(String subscriptionId, String status) {
        database.execute("""
                WITH e AS (
                    INSERT INTO events (tenant_id, type, data, dispatched_at)
                    VALUES ('%1$s', 'stats.backlog', '{}', now()) RETURNING id)
                INSERT INTO deliveries (tenant_id, event_id, subscription_id, status, next_attempt_at)
                SELECT '%1$s', e.id, '%2$s', '%3$s', now() + interval '1 day' FROM e
                """.formatted(tenantId, subscriptionId, status));
    }

    /** percentile_cont: linear interpolation between the closest ranks. */
    static double percentile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
