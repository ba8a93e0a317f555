package io.hookrelay.stream;

import io.hookrelay.delivery.EventWakeups;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The one reader of new events per service instance. The events table's NOTIFY (sent for writes through
 * any instance) wakes it, it reads what is new once, and hands the batch to every HTTP verticle, which
 * splits it among its clients. A slow poll covers lost notifications, and a short one covers events held
 * back by an older open transaction (it may not write events, so no NOTIFY would follow its commit).
 * With no client connected it only follows the horizon instead of reading rows.
 */
public final class EventFeed extends VerticleBase {

    private static final Logger LOG = Logger.getLogger(EventFeed.class.getName());
    static final int BATCH = 1_000;
    private static final long SAFETY_POLL_MS = 5_000;
    private static final long HELD_RETRY_MS = 20;
    /**
     * Reads start at most this often. Under a steady publish load every commit sends a NOTIFY, and each
     * read costs one write per connected client; gathering what arrives within this window into one read
     * keeps writes per client per second bounded (40 here) at a small cost in latency.
     */
    private static final long MIN_READ_INTERVAL_MS = 25;

    private final Pool pool;
    private final PgConnectOptions listenOptions;
    private final List<LocalStreams> locals = new CopyOnWriteArrayList<>();
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicLong registrations = new AtomicLong();
    private EventWakeups wakeups;
    private StreamPosition position;
    private boolean reading;
    private boolean again;
    private boolean stopped;
    private long heldTimer = -1;
    private long windowTimer = -1;
    private long lastReadNanos;

    public EventFeed(Pool pool, PgConnectOptions listenOptions) {
        this.pool = pool;
        this.listenOptions = listenOptions;
    }

    @Override
    public Future<?> start() {
        wakeups = new EventWakeups(vertx, listenOptions, () -> context.runOnContext(v -> read()));
        return EventLog.horizon(pool)
                .compose(xmin -> {
                    position = StreamPosition.horizon(xmin);
                    vertx.setPeriodic(SAFETY_POLL_MS, id -> read());
                    return wakeups.start();
                });
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        return wakeups.stop();
    }

    /** The HTTP verticle's clients, on its own context; called while that verticle starts. */
    public LocalStreams attach(Context httpContext) {
        LocalStreams local = new LocalStreams(httpContext, this);
        locals.add(local);
        return local;
    }

    void detach(LocalStreams local) {
        locals.remove(local);
    }

    void registered() {
        registrations.incrementAndGet();
        clients.incrementAndGet();
    }

    void unregistered(int count) {
        clients.addAndGet(-count);
    }

    private void read() {
        if (stopped) {
            return;
        }
        if (reading) {
            again = true;
            return;
        }
        long waitMillis = MIN_READ_INTERVAL_MS - (System.nanoTime() - lastReadNanos) / 1_000_000;
        if (waitMillis > 0) {
            if (windowTimer < 0) {
                windowTimer = vertx.setTimer(waitMillis, id -> {
                    windowTimer = -1;
                    read();
                });
            }
            return;
        }
        lastReadNanos = System.nanoTime();
        reading = true;
        again = false;
        long generation = registrations.get();
        boolean idle = clients.get() == 0;
        StreamPosition from = position;
        Future<EventLog.Slice> read = idle
                ? EventLog.horizon(pool).map(xmin -> new EventLog.Slice(List.of(), xmin, false, false))
                : EventLog.feed(pool, from, BATCH);
        read.onComplete(result -> {
            reading = false;
            if (result.failed()) {
                LOG.warning("reading new events for streams failed (retried on the next wake-up or poll): "
                        + result.cause().getMessage());
                return;
            }
            EventLog.Slice slice = result.result();
            if (idle && registrations.get() != generation) {
                // A client registered while only the horizon was read: jumping to it could pass events the
                // client's own catch-up read did not see yet. Read the rows from where the feed stood.
                read();
                return;
            }
            position = slice.next(from);
            if (!slice.events().isEmpty()) {
                List<FeedEvent> batch = slice.events();
                for (LocalStreams local : locals) {
                    local.context().runOnContext(v -> local.deliver(batch));
                }
            }
            if (slice.full() || again) {
                read();
            } else if (slice.held() && heldTimer < 0) {
                heldTimer = vertx.setTimer(HELD_RETRY_MS, id -> {
                    heldTimer = -1;
                    read();
                });
            }
        });
    }
}
