package io.hookrelay.event;

import io.hookrelay.db.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes events that arrive while an insert is in flight together, in one multi-row INSERT and so one
 * commit: under load each request no longer waits for its own WAL flush, and at low load an event is
 * written at once (nothing waits for a batch to fill). One instance per event loop; not thread-safe.
 */
final class EventBatchWriter {

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
        List<UUID> ids = new ArrayList<>(batch.size());
        List<NewEvent> events = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            ids.add(pending.id());
            events.add(pending.event());
        }
        EventStore.insertAll(pool, ids, events).onComplete(result -> {
            if (result.failed()) {
                batch.forEach(p -> p.promise().fail(result.cause()));
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).promise().complete(result.result().get(i));
                }
            }
            flush();
        });
    }
}
