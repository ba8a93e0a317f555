package io.hookrelay.source.poll;

import io.hookrelay.event.EventStore;
import io.hookrelay.event.NewEvent;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;

/**
 * Writes what a poll found and releases the source's lease. Every write is guarded by the lease owner:
 * an instance whose lease ran out and was taken over writes nothing, so each change is emitted once.
 */
final class PollOutcomes {

    // last_body NULL means "keep": an unchanged body need not be rewritten.
    private static final String SUCCEEDED = """
            UPDATE sources SET
                last_body = coalesce($3::text::jsonb, last_body),
                etag = $4,
                last_modified = $5,
                last_polled_at = now(),
                next_poll_at = now() + make_interval(secs => interval_seconds),
                consecutive_failures = 0,
                last_error = NULL,
                lease_owner = NULL,
                lease_until = NULL
            WHERE id = $1 AND lease_owner = $2
            """;
    private static final String FAILED = """
            UPDATE sources SET
                consecutive_failures = consecutive_failures + 1,
                last_error = $3,
                next_poll_at = now() + make_interval(secs => $4::float8),
                lease_owner = NULL,
                lease_until = NULL
            WHERE id = $1 AND lease_owner = $2
            """;

    private final Pool pool;
    private final String owner;
    private final EventStore events;
    private final Backoff backoff;

    PollOutcomes(Pool pool, String owner, EventStore events, Backoff backoff) {
        this.pool = pool;
        this.owner = owner;
        this.events = events;
        this.backoff = backoff;
    }

    /**
     * Stores the fetched body and validators and emits the event for it, if any, in one transaction.
     *
     * @return false when the lease had been lost, so nothing was written
     */
    Future<Boolean> fetched(PolledSource source, FetchResult.Fetched fetched, Optional<NewEvent> event) {
        // Only a change is stored; the body then is exactly what the event reported.
        String body = event.isPresent() ? Json.encode(fetched.body()) : null;
        Tuple args = Tuple.of(source.id(), owner, body, fetched.etag(), fetched.lastModified());
        return pool.withTransaction(conn -> conn.preparedQuery(SUCCEEDED).execute(args).compose(rows -> {
            if (rows.rowCount() == 0 || event.isEmpty()) {
                return Future.succeededFuture(rows.rowCount() > 0);
            }
            return events.insert(conn, event.get()).map(true);
        }));
    }

    /** 304: the stored body stands; only the validators and the schedule move on. */
    Future<Boolean> notModified(PolledSource source, FetchResult.NotModified result) {
        Tuple args = Tuple.of(source.id(), owner, null, result.etag(), result.lastModified());
        return pool.preparedQuery(SUCCEEDED).execute(args).map(rows -> rows.rowCount() > 0);
    }

    /** Counts the failure and backs off; the stored body and validators stay as they were. */
    Future<Boolean> failed(PolledSource source, PollFailure failure) {
        Duration delay = backoff.delay(source.intervalSeconds(), source.consecutiveFailures() + 1);
        Tuple args = Tuple.of(source.id(), owner, failure.getMessage(), delay.toMillis() / 1000.0);
        return pool.preparedQuery(FAILED).execute(args).map(rows -> rows.rowCount() > 0);
    }
}
