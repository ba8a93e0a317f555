package io.hookrelay.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Records attempt outcomes in batches: whatever finished while the previous batch was being written goes
 * in the next one, in one transaction that updates the deliveries, appends the attempts, keeps each
 * subscription's failure streak, and disables subscriptions that answered 410 or kept failing long
 * enough (parking their pending deliveries and telling the tenant with a subscription.disabled event).
 * Not thread-safe: driven from the delivery verticle's event loop.
 */
final class DeliveryOutcomes {

    private static final Logger LOG = Logger.getLogger(DeliveryOutcomes.class.getName());
    private static final int MAX_BATCH = 1000;

    // Subscriptions first, in id order: the API's enable/disable/recover lock the subscription and then its
    // deliveries, and locking in the same order keeps the two from deadlocking.
    private static final String LOCK_SUBSCRIPTIONS = """
            SELECT id FROM subscriptions WHERE id = ANY ($1::uuid[]) ORDER BY id FOR NO KEY UPDATE
            """;
    private static final String UPDATE_DELIVERIES = """
            UPDATE deliveries d SET
                status = CASE WHEN r.status = 'pending' AND s.status = 'disabled' THEN 'parked' ELSE r.status END,
                attempts = d.attempts + 1,
                cycle_attempts = d.cycle_attempts + 1,
                next_attempt_at = coalesce(r.next_at, d.next_attempt_at),
                last_status_code = r.code,
                last_error = r.error,
                last_attempt_at = r.at,
                completed_at = CASE WHEN r.status IN ('succeeded', 'failed') THEN now() END
            FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::text[], $6::timestamptz[])
                     AS r (id, status, next_at, code, error, at),
                 subscriptions s
            WHERE d.id = r.id AND s.id = d.subscription_id
            RETURNING d.id
            """;
    // The queues this instance still holds, kept so until the commit (a take-over waits for it). Locked in
    // id order, as the claim and the renewal lock them: in any other order the two deadlocked. Asked apart
    // from the update: joined into it, a cached generic plan went from the leases to every delivery of each
    // subscription (deliveries_by_subscription) instead of from the batch's ids, 200-4,900 ms per batch.
    private static final String HELD_QUEUES = """
            SELECT subscription_id FROM delivery_queue_leases
            WHERE subscription_id = ANY ($1::uuid[]) AND owner = $2
            ORDER BY subscription_id
            FOR SHARE
            """;
    // The attempts of deliveries this transaction has just updated: they exist and stay locked until it
    // commits, so a delete waits for it and then takes these attempts too (V10's trigger).
    private static final String INSERT_ATTEMPTS = """
            INSERT INTO delivery_attempts (delivery_id, tenant_id, subscription_id, attempt, attempted_at, duration_ms,
                                           status_code, error, response_excerpt, request_headers)
            SELECT a.delivery_id, a.tenant_id, a.subscription_id, a.attempt, a.at, a.duration, a.code, a.error,
                   a.excerpt, a.headers::jsonb
            FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[], $6::int[], $7::int[],
                        $8::text[], $9::text[], $10::text[])
                AS a (delivery_id, tenant_id, subscription_id, attempt, at, duration, code, error, excerpt, headers)
            """;
    // The attempts of deliveries whose queue's lease ran out while they were sent (another instance sends that
    // queue now, and decides what becomes of them): still
    // recorded, as long as the delivery exists, which the lock keeps true until this transaction commits. A
    // subscription deleted while its delivery was in flight takes the delivery with it.
    private static final String INSERT_ATTEMPTS_OF_LOST_LEASES = INSERT_ATTEMPTS + """
            WHERE a.delivery_id IN (SELECT id FROM deliveries WHERE id = ANY ($1::uuid[]) FOR KEY SHARE)
            """;
    // A success resets the streak; failures after the last success in this batch start or extend it.
    private static final String UPDATE_HEALTH = """
            UPDATE subscriptions s SET
                failure_streak = CASE WHEN u.reset THEN u.failures ELSE s.failure_streak + u.failures END,
                failing_since = CASE
                    WHEN u.failures = 0 THEN CASE WHEN u.reset THEN NULL ELSE s.failing_since END
                    WHEN u.reset THEN u.first_failure
                    ELSE coalesce(s.failing_since, u.first_failure) END,
                last_success_at = coalesce(u.last_success, s.last_success_at),
                last_failure_at = coalesce(u.last_failure, s.last_failure_at)
            FROM unnest($1::uuid[], $2::bool[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[])
                AS u (id, reset, failures, first_failure, last_success, last_failure)
            WHERE s.id = u.id
            """;
    // The id test names both arrays at once so the primary key finds the rows; an OR of the two would leave
    // a scan of every subscription.
    private static final String DISABLE = """
            WITH disabled AS (
                UPDATE subscriptions SET
                    status = 'disabled',
                    disabled_at = now(),
                    updated_at = now(),
                    disabled_reason = CASE WHEN id = ANY ($2::uuid[]) THEN 'the endpoint answered 410 Gone'
                        ELSE failure_streak || ' consecutive failed attempts since '
                             || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END
                WHERE id = ANY ($1::uuid[] || $2::uuid[]) AND status = 'active'
                  AND (id = ANY ($2::uuid[])
                       OR (failure_streak >= $3 AND failing_since <= now() - make_interval(secs => $4::float8)))
                RETURNING id, tenant_id, disabled_reason, disabled_at),
            parked AS (
                UPDATE deliveries SET status = 'parked'
                WHERE status = 'pending' AND subscription_id IN (SELECT id FROM disabled)
                RETURNING subscription_id)
            INSERT INTO events (tenant_id, type, data)
            SELECT d.tenant_id, 'subscription.disabled',
                   jsonb_build_object('subscription_id', d.id, 'reason', d.disabled_reason, 'disabled_at', d.disabled_at,
                                      'parked_deliveries', (SELECT count(*) FROM parked p WHERE p.subscription_id = d.id))
            FROM disabled d
            """;

    private final Vertx vertx;
    private final Pool pool;
    private final String owner;
    private final int disableAfterFailures;
    private final Duration disableAfter;
    private final Duration lease;
    /** An outcome and what waits for it to be settled: committed, or given up so the delivery is sent again. */
    private record Queued(Outcome outcome, Promise<Void> settled) {
    }

    private List<Queued> queue = new ArrayList<>();
    private boolean writing;
    private int waitingToRetry;
    private Runnable onIdle = () -> { };

    DeliveryOutcomes(Vertx vertx, Pool pool, String owner, int disableAfterFailures, Duration disableAfter, Duration lease) {
        this.vertx = vertx;
        this.pool = pool;
        this.owner = owner;
        this.disableAfterFailures = disableAfterFailures;
        this.disableAfter = disableAfter;
        this.lease = lease;
    }

    /** Completes once the outcome is committed, or once it is dropped and the delivery is due to be sent again. */
    Future<Void> add(Outcome outcome) {
        Promise<Void> settled = Promise.promise();
        enqueue(new Queued(outcome, settled));
        return settled.future();
    }

    private void enqueue(Queued queued) {
        queue.add(queued);
        if (!writing) {
            flush();
        }
    }

    boolean idle() {
        return !writing && queue.isEmpty() && waitingToRetry == 0;
    }

    void onIdle(Runnable callback) {
        this.onIdle = callback;
    }

    private void flush() {
        if (queue.isEmpty()) {
            writing = false;
            onIdle.run();
            return;
        }
        writing = true;
        List<Queued> batch = queue.size() <= MAX_BATCH ? queue : new ArrayList<>(queue.subList(0, MAX_BATCH));
        queue = queue.size() <= MAX_BATCH ? new ArrayList<>() : new ArrayList<>(queue.subList(MAX_BATCH, queue.size()));
        List<Outcome> outcomes = batch.stream().map(Queued::outcome).toList();
        pool.withTransaction(conn -> writeAllHeld(conn, outcomes))
                .recover(e -> e instanceof NotAllHeld
                        ? pool.withTransaction(conn -> write(conn, outcomes)) : Future.failedFuture(e))
                .onComplete(result -> {
            if (result.failed()) {
                retryLater(batch, result.cause());
            } else {
                batch.forEach(q -> q.settled().complete());
            }
            flush();
        });
    }

    /**
     * The database may be briefly away (restart, failover). Outcomes are retried while their lease holds;
     * after that another sender may already be sending the delivery again, and at-least-once covers it.
     */
    private void retryLater(List<Queued> batch, Throwable cause) {
        Instant cutoff = Instant.now().minus(lease);
        Map<Boolean, List<Queued>> young = batch.stream()
                .collect(Collectors.partitioningBy(q -> q.outcome().attemptedAt().isAfter(cutoff)));
        List<Queued> keep = young.get(true);
        LOG.warning("recording " + batch.size() + " delivery outcomes failed (" + cause.getMessage() + "); retrying "
                + keep.size() + " in 1 s");
        young.get(false).forEach(q -> q.settled().complete());
        if (!keep.isEmpty()) {
            waitingToRetry += keep.size();
            vertx.setTimer(1000, id -> {
                waitingToRetry -= keep.size();
                keep.forEach(this::enqueue);
            });
        }
    }

    /** The batch had outcomes of queues no longer held or of deliveries gone: its transaction is rolled back. */
    private static final class NotAllHeld extends RuntimeException {
        NotAllHeld() {
            super("a queue of the batch is no longer held, or a delivery of it is gone", null, false, false);
        }
    }

    /**
     * The batch as it nearly always is: every queue still held, every delivery still there. Then nothing waits
     * on an answer to build the next statement, so all of them go at once, pipelined on the one connection, and
     * the batch costs one round trip and the commit instead of one per statement; PostgreSQL still runs them in
     * order, so the locks are taken in the same order as in {@link #write}. If the answers show otherwise, the
     * transaction is rolled back and {@link #write} records the batch statement by statement.
     */
    private Future<Void> writeAllHeld(SqlConnection conn, List<Outcome> batch) {
        UUID[] subscriptions = batch.stream().map(o -> o.delivery().subscriptionId()).distinct().toArray(UUID[]::new);
        Future<RowSet<Row>> locked = conn.preparedQuery(LOCK_SUBSCRIPTIONS).execute(Tuple.tuple().addValue(subscriptions));
        Future<RowSet<Row>> held = conn.preparedQuery(HELD_QUEUES).execute(Tuple.of(subscriptions, owner));
        Future<RowSet<Row>> updated = conn.preparedQuery(UPDATE_DELIVERIES).execute(deliveryArgs(batch));
        Future<RowSet<Row>> attempts = conn.preparedQuery(INSERT_ATTEMPTS).execute(attemptArgs(batch));
        Future<RowSet<Row>> health = conn.preparedQuery(UPDATE_HEALTH).execute(healthArgs(batch));
        Future<Void> disabled = disable(conn, batch);
        return Future.all(locked, held, updated, attempts, health, disabled).compose(v ->
                held.result().size() == subscriptions.length && updated.result().rowCount() == batch.size()
                        ? Future.succeededFuture() : Future.failedFuture(new NotAllHeld()));
    }

    /** Any batch: settles only the outcomes of queues still held, and records the others' attempts apart. */
    private Future<Void> write(SqlConnection conn, List<Outcome> batch) {
        UUID[] subscriptions = batch.stream().map(o -> o.delivery().subscriptionId()).distinct().toArray(UUID[]::new);
        return conn.preparedQuery(LOCK_SUBSCRIPTIONS).execute(Tuple.tuple().addValue(subscriptions))
                .compose(v -> conn.preparedQuery(HELD_QUEUES).execute(Tuple.of(subscriptions, owner)))
                .compose(held -> {
                    Set<UUID> queues = new HashSet<>();
                    held.forEach(row -> queues.add(row.getUUID(0)));
                    List<Outcome> settle = batch.stream().filter(o -> queues.contains(o.delivery().subscriptionId())).toList();
                    return settle.isEmpty() ? Future.succeededFuture(List.<UUID>of())
                            : conn.preparedQuery(UPDATE_DELIVERIES).execute(deliveryArgs(settle))
                                    .map(DeliveryOutcomes::ids);
                })
                .compose(updated -> {
                    Set<UUID> ours = new HashSet<>(updated);
                    Map<Boolean, List<Outcome>> split = batch.stream()
                            .collect(Collectors.partitioningBy(o -> ours.contains(o.delivery().id())));
                    return insertAttempts(conn, INSERT_ATTEMPTS, split.get(true))
                            .compose(w -> insertAttempts(conn, INSERT_ATTEMPTS_OF_LOST_LEASES, split.get(false)));
                })
                .compose(v -> conn.preparedQuery(UPDATE_HEALTH).execute(healthArgs(batch)))
                .compose(v -> disable(conn, batch));
    }

    private static List<UUID> ids(Iterable<Row> rows) {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.getUUID(0)));
        return ids;
    }

    private static Future<Void> insertAttempts(SqlConnection conn, String sql, List<Outcome> outcomes) {
        return outcomes.isEmpty() ? Future.succeededFuture()
                : conn.preparedQuery(sql).execute(attemptArgs(outcomes)).mapEmpty();
    }

    private Future<Void> disable(SqlConnection conn, List<Outcome> batch) {
        List<UUID> failing = new ArrayList<>();
        List<UUID> gone = new ArrayList<>();
        for (Outcome outcome : batch) {
            if (outcome.gone()) {
                gone.add(outcome.delivery().subscriptionId());
            } else if (!outcome.result().succeeded()) {
                failing.add(outcome.delivery().subscriptionId());
            }
        }
        if (failing.isEmpty() && gone.isEmpty()) {
            return Future.succeededFuture();
        }
        Tuple args = Tuple.tuple().addValue(failing.toArray(UUID[]::new)).addValue(gone.toArray(UUID[]::new))
                .addValue(disableAfterFailures).addValue((double) disableAfter.toSeconds());
        return conn.preparedQuery(DISABLE).execute(args).mapEmpty();
    }

    private Tuple deliveryArgs(List<Outcome> batch) {
        int n = batch.size();
        UUID[] ids = new UUID[n];
        String[] statuses = new String[n];
        OffsetDateTime[] next = new OffsetDateTime[n];
        Integer[] codes = new Integer[n];
        String[] errors = new String[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Outcome o = batch.get(i);
            ids[i] = o.delivery().id();
            statuses[i] = o.status();
            next[i] = o.nextAttemptAt() == null ? null : utc(o.nextAttemptAt());
            codes[i] = code(o.result());
            errors[i] = clean(o.result().error());
            at[i] = utc(o.attemptedAt());
        }
        return Tuple.tuple().addValue(ids).addValue(statuses).addValue(next).addValue(codes).addValue(errors)
                .addValue(at);
    }

    private static Tuple attemptArgs(List<Outcome> batch) {
        int n = batch.size();
        UUID[] deliveries = new UUID[n];
        UUID[] tenants = new UUID[n];
        UUID[] subscriptions = new UUID[n];
        Integer[] attempts = new Integer[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        Integer[] durations = new Integer[n];
        Integer[] codes = new Integer[n];
        String[] errors = new String[n];
        String[] excerpts = new String[n];
        String[] headers = new String[n];
        for (int i = 0; i < n; i++) {
            Outcome o = batch.get(i);
            deliveries[i] = o.delivery().id();
            tenants[i] = o.delivery().tenantId();
            subscriptions[i] = o.delivery().subscriptionId();
            attempts[i] = o.delivery().attempt();
            at[i] = utc(o.attemptedAt());
            durations[i] = (int) Math.min(Integer.MAX_VALUE, o.result().durationMillis());
            codes[i] = code(o.result());
            errors[i] = clean(o.result().error());
            excerpts[i] = clean(o.result().responseExcerpt());
            headers[i] = new JsonObject(new LinkedHashMap<>(o.requestHeaders())).encode();
        }
        return Tuple.tuple().addValue(deliveries).addValue(tenants).addValue(subscriptions).addValue(attempts)
                .addValue(at).addValue(durations).addValue(codes).addValue(errors).addValue(excerpts).addValue(headers);
    }

    private record Health(boolean reset, int failures, Instant firstFailure, Instant lastSuccess, Instant lastFailure) {
    }

    private static Tuple healthArgs(List<Outcome> batch) {
        Map<UUID, Health> bySubscription = new LinkedHashMap<>();
        for (Outcome o : batch) {
            UUID id = o.delivery().subscriptionId();
            Health h = bySubscription.getOrDefault(id, new Health(false, 0, null, null, null));
            Instant at = o.attemptedAt();
            if (o.result().succeeded()) {
                h = new Health(true, 0, null, at, h.lastFailure());
            } else {
                h = new Health(h.reset(), h.failures() + 1, h.firstFailure() == null ? at : h.firstFailure(),
                        h.lastSuccess(), at);
            }
            bySubscription.put(id, h);
        }
        int n = bySubscription.size();
        UUID[] ids = new UUID[n];
        Boolean[] resets = new Boolean[n];
        Integer[] failures = new Integer[n];
        OffsetDateTime[] first = new OffsetDateTime[n];
        OffsetDateTime[] success = new OffsetDateTime[n];
        OffsetDateTime[] failure = new OffsetDateTime[n];
        int i = 0;
        for (Map.Entry<UUID, Health> entry : bySubscription.entrySet()) {
            Health h = entry.getValue();
            ids[i] = entry.getKey();
            resets[i] = h.reset();
            failures[i] = h.failures();
            first[i] = h.firstFailure() == null ? null : utc(h.firstFailure());
            success[i] = h.lastSuccess() == null ? null : utc(h.lastSuccess());
            failure[i] = h.lastFailure() == null ? null : utc(h.lastFailure());
            i++;
        }
        return Tuple.tuple().addValue(ids).addValue(resets).addValue(failures).addValue(first).addValue(success)
                .addValue(failure);
    }

    private static Integer code(SendResult result) {
        return result.statusCode() == 0 ? null : result.statusCode();
    }

    /** PostgreSQL text cannot hold NUL; a receiver's answer may. */
    private static String clean(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
