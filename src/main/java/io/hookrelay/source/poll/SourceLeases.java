package io.hookrelay.source.poll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Claims due http sources for one poller instance, in one statement: SKIP LOCKED keeps instances off
 * each other's rows while they claim, and the lease keeps them off afterwards, until the owner writes
 * its outcome (which clears the lease) or dies (and the lease runs out).
 */
final class SourceLeases {

    // Sources this instance is still polling are left out: if a poll ever outlived its lease, claiming
    // the source again under the same owner would let two polls of it write.
    private static final String CLAIM = """
            UPDATE sources SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::float8)
            WHERE id IN (
                SELECT id FROM sources
                WHERE kind = 'http' AND next_poll_at <= now()
                  AND (lease_until IS NULL OR lease_until < now())
                  AND url IS NOT NULL AND interval_seconds > 0
                  AND NOT (id = ANY ($4::uuid[]))
                ORDER BY next_poll_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, url, interval_seconds, headers, include_body, etag, last_modified,
                      last_body::text AS last_body, consecutive_failures
            """;

    private final Pool pool;
    private final String owner;
    private final Duration lease;

    SourceLeases(Pool pool, String owner, Duration lease) {
        this.pool = pool;
        this.owner = owner;
        this.lease = lease;
    }

    Future<List<PolledSource>> claim(int max, Collection<UUID> polling) {
        Tuple args = Tuple.of(owner, lease.toMillis() / 1000.0, max, polling.toArray(UUID[]::new));
        return pool.preparedQuery(CLAIM).execute(args).map(rows -> {
            List<PolledSource> claimed = new ArrayList<>(rows.size());
            rows.forEach(row -> claimed.add(map(row)));
            return claimed;
        });
    }

    private static PolledSource map(Row row) {
        Object headers = row.getValue("headers");
        return new PolledSource(
                row.getUUID("id"),
                row.getUUID("tenant_id"),
                row.getString("url"),
                row.getInteger("interval_seconds"),
                headers instanceof JsonObject json ? json : new JsonObject(),
                row.getBoolean("include_body"),
                row.getString("etag"),
                row.getString("last_modified"),
                row.getString("last_body"),
                row.getInteger("consecutive_failures"));
    }
}
