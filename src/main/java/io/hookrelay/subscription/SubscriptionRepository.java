package io.hookrelay.subscription;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Every query names the tenant: a row of another tenant is simply not found. */
final class SubscriptionRepository {

    private static final String COLUMNS = """
            id, tenant_id, url, event_types, description, headers, metadata, max_in_flight, ordered, ed25519_public_key, status, disabled_reason,
            disabled_at, created_at, updated_at""";
    private static final String INSERT = """
            INSERT INTO subscriptions (id, tenant_id, url, event_types, description, headers, metadata, secret_enc,
                                       max_in_flight, ordered, ed25519_secret_enc, ed25519_public_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            RETURNING\s""" + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM subscriptions WHERE id = $1 AND tenant_id = $2";
    private static final String PAGE = "SELECT " + COLUMNS + """
             FROM subscriptions
            WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id < $2)
            ORDER BY id DESC LIMIT $3
            """;
    private static final String UPDATE = """
            UPDATE subscriptions SET
                url = coalesce($3, url),
                event_types = coalesce($4, event_types),
                description = CASE WHEN $5 THEN NULL ELSE coalesce($6, description) END,
                headers = coalesce($7, headers),
                metadata = coalesce($8, metadata),
                max_in_flight = CASE WHEN $9 THEN NULL ELSE coalesce($10, max_in_flight) END,
                ordered = coalesce($11, ordered),
                ed25519_secret_enc = CASE WHEN $12 THEN $13 ELSE ed25519_secret_enc END,
                ed25519_public_key = CASE WHEN $12 THEN $14 ELSE ed25519_public_key END,
                updated_at = now()
            WHERE id = $1 AND tenant_id = $2
            RETURNING\s""" + COLUMNS;
    private static final String DELETE = "DELETE FROM subscriptions WHERE id = $1 AND tenant_id = $2";
    // Re-enabling resumes what was parked in a fresh retry cycle (the total attempts stay) and starts a fresh
    // failure streak.
    private static final String ENABLE = """
            WITH enabled AS (
                UPDATE subscriptions SET status = 'active', disabled_reason = NULL, disabled_at = NULL,
                    failure_streak = 0, failing_since = NULL, updated_at = now()
                WHERE id = $1 AND tenant_id = $2
                RETURNING\s""" + COLUMNS + """
            ),
            resumed AS (
                UPDATE deliveries SET status = 'pending', next_attempt_at = now(), cycle_attempts = 0, cycle_started_at = now()
                WHERE subscription_id IN (SELECT id FROM enabled) AND status = 'parked')
            SELECT * FROM enabled
            """;
    // Disabling an already disabled subscription keeps its first reason and time; pending deliveries wait, parked.
    private static final String DISABLE = """
            WITH disabled AS (
                UPDATE subscriptions SET
                    status = 'disabled',
                    disabled_reason = CASE WHEN status = 'disabled' THEN disabled_reason ELSE $3 END,
                    disabled_at = CASE WHEN status = 'disabled' THEN disabled_at ELSE now() END,
                    updated_at = now()
                WHERE id = $1 AND tenant_id = $2
                RETURNING\s""" + COLUMNS + """
            ),
            parked AS (
                UPDATE deliveries SET status = 'parked'
                WHERE subscription_id IN (SELECT id FROM disabled) AND status = 'pending')
            SELECT * FROM disabled
            """;
    private static final String SECRETS = """
            SELECT secret_enc, previous_secret_enc, previous_secret_expires_at FROM subscriptions
            WHERE id = $1 AND tenant_id = $2
            """;
    // The current ciphertext moves to "previous" untouched: both are bound to the row id, not the slot.
    private static final String ROTATE = """
            UPDATE subscriptions SET
                previous_secret_enc = CASE WHEN $4::float8 > 0 THEN secret_enc END,
                previous_secret_expires_at = CASE WHEN $4::float8 > 0 THEN now() + make_interval(secs => $4::float8) END,
                secret_enc = $3,
                updated_at = now()
            WHERE id = $1 AND tenant_id = $2
            RETURNING secret_enc, previous_secret_enc, previous_secret_expires_at
            """;

    private static final String STATUS = "SELECT status FROM subscriptions WHERE id = $1 AND tenant_id = $2";
    // Missed = matching events since the time with no delivery, or whose delivery failed or is parked.
    // An event from before the subscription existed was never meant for it, whatever `since` says; one
    // still in the outbox when the subscription was created was dispatched to it, so its delivery counts.
    // The subscription is locked before any of its deliveries, the order the delivery engine's outcome
    // writer locks them in: without it the two deadlocked (a 500 with 40P01 in the throughput bench).
    private static final String RECOVER = """
            WITH sub AS (
                SELECT id, tenant_id, event_types, created_at FROM subscriptions WHERE id = $1 AND tenant_id = $2
                FOR NO KEY UPDATE),
            missed AS (
                SELECT e.id, e.seq FROM events e, sub
                WHERE e.tenant_id = sub.tenant_id AND e.created_at >= $3 AND e.dispatched_at IS NOT NULL
                  AND (e.created_at >= sub.created_at
                       OR EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.subscription_id = sub.id))
                  AND (e.subscription_ids IS NULL OR sub.id = ANY (e.subscription_ids))
                  AND hookrelay_type_matches(sub.event_types, e.type)),
            queued AS (
                INSERT INTO deliveries (tenant_id, event_id, event_seq, subscription_id)
                SELECT $2, id, seq, $1 FROM missed
                ON CONFLICT (event_id, subscription_id) DO UPDATE SET
                    status = 'pending', next_attempt_at = now(), cycle_attempts = 0, cycle_started_at = now(),
                    completed_at = NULL
                WHERE deliveries.status IN ('failed', 'parked')
                RETURNING 1)
            SELECT count(*) AS queued FROM queued
            """;

    Future<Optional<String>> status(SqlClient sql, UUID id, UUID tenantId) {
        return sql.preparedQuery(STATUS).execute(Tuple.of(id, tenantId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("status")));
    }

    Future<Long> recover(SqlClient sql, UUID id, UUID tenantId, OffsetDateTime since) {
        return sql.preparedQuery(RECOVER).execute(Tuple.of(id, tenantId, since))
                .map(rows -> rows.iterator().next().getLong("queued"));
    }

    /** An Ed25519 key pair with its private half sealed; NONE (both null) removes Ed25519 signing. */
    record SealedKeyPair(byte[] sealedSecret, String publicKey) {
        static final SealedKeyPair NONE = new SealedKeyPair(null, null);
    }

    /** Encrypted secrets as stored. */
    record SealedSecrets(byte[] current, byte[] previous, OffsetDateTime previousExpiresAt) {
    }

    /** {@code ed25519} is null unless the caller asked for Ed25519 signing. */
    Future<Subscription> insert(SqlClient sql, UUID id, UUID tenantId, SubscriptionInput in, byte[] sealedSecret,
                                SealedKeyPair ed25519) {
        return sql.preparedQuery(INSERT).execute(Tuple.of(id, tenantId, in.url(), in.eventTypes().toArray(String[]::new),
                        in.description(), in.headers(), in.metadata(), Buffer.buffer(sealedSecret), in.maxInFlight(),
                        Boolean.TRUE.equals(in.ordered()), ed25519 == null ? null : Buffer.buffer(ed25519.sealedSecret()),
                        ed25519 == null ? null : ed25519.publicKey()))
                .map(rows -> map(rows.iterator().next()));
    }

    Future<Optional<Subscription>> find(SqlClient sql, UUID id, UUID tenantId) {
        return sql.preparedQuery(FIND).execute(Tuple.of(id, tenantId)).map(SubscriptionRepository::first);
    }

    Future<List<Subscription>> page(SqlClient sql, UUID tenantId, UUID after, int count) {
        return sql.preparedQuery(PAGE).execute(Tuple.of(tenantId, after, count)).map(rows -> {
            List<Subscription> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(map(row)));
            return list;
        });
    }

    /** {@code ed25519}: null keeps the current keys; {@link SealedKeyPair#NONE} removes them. */
    Future<Optional<Subscription>> update(SqlClient sql, UUID id, UUID tenantId, SubscriptionInput in,
                                          SealedKeyPair ed25519) {
        Tuple args = Tuple.tuple()
                .addValue(id).addValue(tenantId).addValue(in.url())
                .addValue(in.eventTypes() == null ? null : in.eventTypes().toArray(String[]::new))
                .addValue(in.clearDescription()).addValue(in.description())
                .addValue(in.headers()).addValue(in.metadata())
                .addValue(in.clearMaxInFlight()).addValue(in.maxInFlight()).addValue(in.ordered())
                .addValue(ed25519 != null)
                .addValue(ed25519 == null || ed25519.sealedSecret() == null ? null : Buffer.buffer(ed25519.sealedSecret()))
                .addValue(ed25519 == null ? null : ed25519.publicKey());
        return sql.preparedQuery(UPDATE).execute(args).map(SubscriptionRepository::first);
    }

    Future<Boolean> delete(SqlClient sql, UUID id, UUID tenantId) {
        return sql.preparedQuery(DELETE).execute(Tuple.of(id, tenantId)).map(rows -> rows.rowCount() == 1);
    }

    Future<Optional<Subscription>> enable(SqlClient sql, UUID id, UUID tenantId) {
        return sql.preparedQuery(ENABLE).execute(Tuple.of(id, tenantId)).map(SubscriptionRepository::first);
    }

    Future<Optional<Subscription>> disable(SqlClient sql, UUID id, UUID tenantId, String reason) {
        return sql.preparedQuery(DISABLE).execute(Tuple.of(id, tenantId, reason)).map(SubscriptionRepository::first);
    }

    Future<Optional<SealedSecrets>> secrets(SqlClient sql, UUID id, UUID tenantId) {
        return sql.preparedQuery(SECRETS).execute(Tuple.of(id, tenantId)).map(SubscriptionRepository::sealed);
    }

    Future<Optional<SealedSecrets>> rotate(SqlClient sql, UUID id, UUID tenantId, byte[] newSealed, Duration overlap) {
        return sql.preparedQuery(ROTATE)
                .execute(Tuple.of(id, tenantId, Buffer.buffer(newSealed), (double) overlap.toSeconds()))
                .map(SubscriptionRepository::sealed);
    }

    private static Optional<SealedSecrets> sealed(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        Buffer previous = row.getBuffer("previous_secret_enc");
        return Optional.of(new SealedSecrets(row.getBuffer("secret_enc").getBytes(),
                previous == null ? null : previous.getBytes(), row.getOffsetDateTime("previous_secret_expires_at")));
    }

    private static Optional<Subscription> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    private static Subscription map(Row row) {
        String[] types = row.getArrayOfStrings("event_types");
        return new Subscription(
                row.getUUID("id"),
                row.getUUID("tenant_id"),
                row.getString("url"),
                types == null ? List.of() : Arrays.asList(types),
                row.getString("description"),
                jsonOrEmpty(row.getValue("headers")),
                jsonOrEmpty(row.getValue("metadata")),
                row.getInteger("max_in_flight"),
                row.getBoolean("ordered"),
                row.getString("ed25519_public_key"),
                row.getString("status"),
                row.getString("disabled_reason"),
                row.getOffsetDateTime("disabled_at"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }

    private static JsonObject jsonOrEmpty(Object value) {
        return value instanceof JsonObject json ? json : new JsonObject();
    }
}
