package io.hookrelay.event;

import io.hookrelay.db.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Writes events that arrive while an insert is in flight together, in one multi-row INSERT and so one
 * commit: under load each request no longer waits for its own WAL flush, and at low load an event is
 * written at once (nothing waits for a batch to fill). One instance per event loop; not thread-safe.
 */
final class EventBatchWriter {

    private static final String INSERT = """
            INSERT INTO events (id, tenant_id, type, data, subscription_ids, source_id)
            SELECT id, tenant_id, type, data::jsonb,
                   CASE WHEN targets IS NULL THEN NULL ELSE string_to_array(targets, ',')::uuid[] END, source_id
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[])
                AS batch (id, tenant_id, type, data, targets, source_id)
            RETURNING id, seq, created_at
            """;

    private record Pending(UUID id, NewEvent event, Promise<Event> promise) {
    }

    private final Pool pool;
    private final int maxBatch;
    private List<Pending> queue = new ArrayList<>();
    private boolean writing;

    EventBatchWriter(Pool pool, int maxBatch) {
        this.pool = pool;
        this.maxBatch = maxBatch;
    }

    Future<Event> write(NewEvent event) {
        Promise<Event> promise = Promise.promise();
        queue.add(new Pending(Ids.newId(), event, promise));
        if (!writing) {
            flush();
        }
        return promise.future();
    }

    private void flush() {
        if (queue.isEmpty()) {
            writing = false;
            return;
        }
        writing = true;
        List<Pending> batch;
        if (queue.size() <= maxBatch) {
            batch = queue;
            queue = new ArrayList<>();
        } else {
            batch = new ArrayList<>(queue.subList(0, maxBatch));
            queue = new ArrayList<>(queue.subList(maxBatch, queue.size()));
        }
        int n = batch.size();
        UUID[] ids = new UUID[n];
        UUID[] tenants = new UUID[n];
        String[] types = new String[n];
        String[] data = new String[n];
        String[] targets = new String[n];
        UUID[] sources = new UUID[n];
        for (int i = 0; i < n; i++) {
            NewEvent event = batch.get(i).event();
            ids[i] = batch.get(i).id();
            tenants[i] = event.tenantId();
            types[i] = event.type();
            data[i] = EventStore.encode(event.data());
            targets[i] = event.subscriptionIds() == null ? null
                    : event.subscriptionIds().stream().map(UUID::toString).collect(Collectors.joining(","));
            sources[i] = event.sourceId();
        }
        Tuple args = Tuple.tuple().addValue(ids).addValue(tenants).addValue(types).addValue(data).addValue(targets)
                .addValue(sources);
        pool.preparedQuery(INSERT).execute(args).onComplete(result -> {
            if (result.failed()) {
                batch.forEach(p -> p.promise().fail(result.cause()));
            } else {
                Map<UUID, Row> stored = new HashMap<>(n * 2);
                result.result().forEach(row -> stored.put(row.getUUID("id"), row));
                for (Pending p : batch) {
                    Row row = stored.get(p.id());
                    NewEvent e = p.event();
                    OffsetDateTime created = row.getOffsetDateTime("created_at");
                    p.promise().complete(new Event(p.id(), row.getLong("seq"), e.tenantId(), e.type(), e.data(),
                            e.subscriptionIds(), e.sourceId(), created));
                }
            }
            flush();
        });
    }
}
