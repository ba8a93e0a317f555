package io.hookrelay.stream;

import io.hookrelay.http.ServerSentEvents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One {@code GET /v1/events/stream} client. It registers for live events first, then catches up from
 * its cursor by reading the table page by page (while live events wait in a bounded list), then goes
 * live. Every event is sent once and in feed order: anything at or before the last position sent is
 * skipped, whichever path brought it.
 */
final class SseStream implements StreamClient {

    /** Live events kept while catching up; past this the list is dropped and the table read again instead. */
    static final int MAX_PENDING = 10_000;
    private static final int PAGE = 500;

    private final Pool pool;
    private final LocalStreams local;
    private final ServerSentEvents sse;
    private final UUID tenantId;
    private final TypeFilter types;
    private StreamPosition sent;
    private boolean live;
    private List<FeedEvent> pending = new ArrayList<>();
    private boolean pendingOverflowed;

    SseStream(Pool pool, LocalStreams local, ServerSentEvents sse, UUID tenantId, TypeFilter types, StreamPosition after) {
        this.pool = pool;
        this.local = local;
        this.sse = sse;
        this.tenantId = tenantId;
        this.types = types;
        this.sent = after;
    }

    void start() {
        sse.onClose(() -> local.remove(this));
        if (!local.add(this)) {
            sse.end();
            return;
        }
        catchUp();
    }

    @Override
    public UUID tenantId() {
        return tenantId;
    }

    private void catchUp() {
        if (sse.isClosed()) {
            return;
        }
        EventLog.read(pool, tenantId, sent, PAGE).onComplete(result -> {
            if (sse.isClosed()) {
                return;
            }
            if (result.failed()) {
                // The client resumes from the last id it received.
                sse.closeConnection();
                return;
            }
            EventLog.Slice slice = result.result();
            sse.begin();
            write(slice.events());
            sent = slice.next(sent);
            sse.whenWritable(slice.full() ? this::catchUp : this::goLive);
        });
    }

    /** Caught up: what arrived live meanwhile follows, unless too much did, then the table is read again. */
    private void goLive() {
        if (pendingOverflowed) {
            pendingOverflowed = false;
            pending = new ArrayList<>();
            catchUp();
            return;
        }
        live = true;
        List<FeedEvent> waiting = pending;
        pending = null;
        if (!waiting.isEmpty()) {
            write(waiting);
        }
    }

    @Override
    public void offer(EventBatch batch) {
        if (sse.isClosed()) {
            return;
        }
        if (!live) {
            if (pendingOverflowed) {
                return;
            }
            if (pending.size() + batch.events().size() > MAX_PENDING) {
                pendingOverflowed = true;
                pending = new ArrayList<>();
            } else {
                pending.addAll(batch.events());
            }
            return;
        }
        if (sse.writeQueueFull()) {
            // Too far behind: close rather than queue without bound; the client resumes by cursor.
            sse.closeConnection();
            return;
        }
        if (types.patterns().isEmpty() && batch.first().isAfter(sent)) {
            // The common case: every event of the batch is new to this unfiltered stream.
            sent = batch.last();
            sse.send(batch.frames());
            return;
        }
        write(batch.events());
    }

    private void write(List<FeedEvent> events) {
        Buffer frames = null;
        StreamPosition last = sent;
        for (FeedEvent event : events) {
            if (!event.position().isAfter(last)) {
                continue;
            }
            last = event.position();
            if (types.matches(event)) {
                if (frames == null) {
                    frames = Buffer.buffer();
                }
                frames.appendBuffer(event.frame());
            }
        }
        sent = last;
        if (frames != null) {
            sse.send(frames);
        }
    }

    @Override
    public Future<Void> shutdown() {
        sse.end();
        return Future.succeededFuture();
    }
}
