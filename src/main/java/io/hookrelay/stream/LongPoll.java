package io.hookrelay.stream;

import io.hookrelay.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One {@code GET /v1/events?after=...&wait=...}: answers at once when a matching event exists after the
 * cursor, otherwise waits for the feed to bring one (then reads the table again, so the answer is the
 * same as an immediate one would be) or for the wait to end. Registered before its first read, so an
 * event committed in between wakes it.
 */
final class LongPoll implements StreamClient {

    private static final int PAGE = 500;

    private final Vertx vertx;
    private final Pool pool;
    private final LocalStreams local;
    private final UUID tenantId;
    private final TypeFilter types;
    private final int limit;
    private final Promise<Reply> answer = Promise.promise();
    private StreamPosition position;
    private boolean registered;
    private boolean reading;
    private boolean woken;
    private boolean expired;
    private boolean stopping;
    private boolean done;
    private long timer = -1;

    LongPoll(Vertx vertx, Pool pool, LocalStreams local, UUID tenantId, TypeFilter types, StreamPosition after, int limit) {
        this.vertx = vertx;
        this.pool = pool;
        this.local = local;
        this.tenantId = tenantId;
        this.types = types;
        this.position = after;
        this.limit = limit;
    }

    Future<Reply> start(long waitMillis) {
        if (waitMillis > 0 && local.add(this)) {
            registered = true;
            timer = vertx.setTimer(waitMillis, id -> {
                timer = -1;
                expire();
            });
        } else {
            expired = true;
        }
        read(new ArrayList<>());
        return answer.future();
    }

    /** The caller went away: stop waiting, answer nobody. */
    void abandon() {
        done = true;
        release();
        answer.tryFail("the caller went away");
    }

    @Override
    public UUID tenantId() {
        return tenantId;
    }

    @Override
    public void offer(EventBatch batch) {
        if (done) {
            return;
        }
        for (FeedEvent event : batch.events()) {
            if (event.position().isAfter(position) && types.matches(event)) {
                if (reading) {
                    woken = true;
                } else {
                    read(new ArrayList<>());
                }
                return;
            }
        }
    }

    @Override
    public Future<Void> shutdown() {
        stopping = true;
        expire();
        return answer.future().<Void>mapEmpty().otherwiseEmpty();
    }

    private void expire() {
        expired = true;
        if (!reading && !done) {
            finish(List.of());
        }
    }

    private void read(List<FeedEvent> found) {
        reading = true;
        woken = false;
        EventLog.read(pool, tenantId, position, PAGE).onComplete(result -> {
            reading = false;
            if (done) {
                return;
            }
            if (result.failed() && stopping) {
                // The database pool closes with the service: answer what is known, the cursor stays valid.
                finish(found);
                return;
            }
            if (result.failed()) {
                done = true;
                release();
                answer.fail(result.cause());
                return;
            }
            EventLog.Slice slice = result.result();
            for (FeedEvent event : slice.events()) {
                if (types.matches(event)) {
                    found.add(event);
                    if (found.size() == limit) {
                        position = event.position();
                        finish(found);
                        return;
                    }
                }
            }
            position = slice.next(position);
            if (slice.full()) {
                read(found);
            } else if (!found.isEmpty() || expired) {
                finish(found);
            } else if (woken) {
                read(found);
            }
        });
    }

    private void finish(List<FeedEvent> events) {
        done = true;
        release();
        JsonArray data = new JsonArray();
        events.forEach(event -> data.add(event.json()));
        answer.complete(Reply.ok(new JsonObject().put("data", data).put("next_cursor", position.encode())));
    }

    private void release() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (registered) {
            registered = false;
            local.remove(this);
        }
    }
}
