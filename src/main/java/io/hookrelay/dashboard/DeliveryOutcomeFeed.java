package io.hookrelay.dashboard;

import io.hookrelay.db.PgListener;
import io.hookrelay.db.Ids;
import io.hookrelay.http.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Delivery outcomes as they are recorded, by any instance: one LISTEN connection per instance on the
 * channel that delivery_attempts' trigger notifies, fanned out to this instance's stream listeners by
 * tenant and subscription. Notifications carry only attempt ids; the rest is read once per batch, and
 * only while someone listens.
 */
public final class DeliveryOutcomeFeed {

    private static final Logger LOG = Logger.getLogger(DeliveryOutcomeFeed.class.getName());
    static final String CHANNEL = "hookrelay_attempts";
    private static final int READ_BATCH = 1_000;
    /** Ids waiting to be read; beyond this the oldest are dropped (listeners can read them from the list). */
    private static final int MAX_WAITING = 20_000;

    static final String READ = """
            SELECT a.id, a.delivery_id, a.tenant_id, a.subscription_id, a.attempt, a.attempted_at, a.duration_ms,
                   a.status_code, a.error, d.event_id, d.status, e.type AS event_type
            FROM delivery_attempts a
            JOIN deliveries d ON d.id = a.delivery_id
            JOIN events e ON e.id = d.event_id
            WHERE a.id = ANY ($1::uuid[])
            ORDER BY a.attempted_at, a.id
            """;

    /** Someone who wants outcomes: of one tenant (or all when null), optionally of one subscription. */
    public record Listener(UUID tenantId, UUID subscriptionId, Consumer<JsonObject> sink, Runnable disconnect) {

        boolean wants(UUID tenant, UUID subscription) {
            return (tenantId == null || tenantId.equals(tenant))
                    && (subscriptionId == null || subscriptionId.equals(subscription));
        }
    }

    private final Pool pool;
    private final PgListener listen;
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<UUID> waiting = new ArrayDeque<>();
    private boolean reading;
    private volatile boolean stopped;

    public DeliveryOutcomeFeed(Vertx vertx, Pool pool, PgConnectOptions options) {
        this.pool = pool;
        this.listen = new PgListener(vertx, options, CHANNEL, this::notified);
    }

    /** Never fails: without the LISTEN connection streams only stay quiet until it is up. */
    public Future<Void> start() {
        return listen.start();
    }

    /** Disconnects every listener, so open streams never hold up a shutdown. */
    public Future<Void> stop() {
        stopped = true;
        listeners.forEach(listener -> listener.disconnect().run());
        listeners.clear();
        return listen.stop();
    }

    public void add(Listener listener) {
        listeners.add(listener);
        if (stopped) {
            listeners.remove(listener);
            listener.disconnect().run();
        }
    }

    public void remove(Listener listener) {
        listeners.remove(listener);
    }

    public int listening() {
        return listeners.size();
    }

    private void notified(String payload) {
        if (listeners.isEmpty() || payload == null) {
            return;
        }
        synchronized (this) {
            for (String part : payload.split(",")) {
                UUID id = Ids.parse(part.trim());
                if (id != null) {
                    waiting.add(id);
                }
            }
            while (waiting.size() > MAX_WAITING) {
                waiting.poll();
            }
        }
        readNext();
    }

    private void readNext() {
        List<UUID> batch = new ArrayList<>();
        synchronized (this) {
            if (reading || waiting.isEmpty()) {
                return;
            }
            reading = true;
            while (batch.size() < READ_BATCH && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
        }
        pool.preparedQuery(READ).execute(Tuple.of(batch.toArray(UUID[]::new))).onComplete(result -> {
            if (result.succeeded()) {
                result.result().forEach(this::publish);
            } else {
                LOG.warning("reading delivery outcomes for the live streams failed: " + result.cause().getMessage());
            }
            synchronized (this) {
                reading = false;
            }
            readNext();
        });
    }

    private void publish(Row row) {
        UUID tenant = row.getUUID("tenant_id");
        UUID subscription = row.getUUID("subscription_id");
        JsonObject outcome = null;
        for (Listener listener : listeners) {
            if (listener.wants(tenant, subscription)) {
                if (outcome == null) {
                    outcome = toJson(row);
                }
                listener.sink().accept(outcome);
            }
        }
    }

    private static JsonObject toJson(Row row) {
        return new JsonObject()
                .put("attempt_id", row.getUUID("id").toString())
                .put("delivery_id", row.getUUID("delivery_id").toString())
                .put("tenant_id", row.getUUID("tenant_id").toString())
                .put("subscription_id", row.getUUID("subscription_id").toString())
                .put("event_id", row.getUUID("event_id").toString())
                .put("event_type", row.getString("event_type"))
                .put("status", row.getString("status"))
                .put("attempt", row.getInteger("attempt"))
                .put("status_code", row.getInteger("status_code"))
                .put("duration_ms", row.getInteger("duration_ms"))
                .put("error", row.getString("error"))
                .put("attempted_at", JsonFormat.time(row.getOffsetDateTime("attempted_at")));
    }
}
