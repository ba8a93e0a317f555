package io.hookrelay.stream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The stream clients of one HTTP verticle, all on its event loop: the shared feed hands each batch over
 * once per verticle, and the batch is split by tenant here without any further query.
 */
public final class LocalStreams {

    private final Context context;
    private final EventFeed feed;
    private final Map<UUID, Set<StreamClient>> byTenant = new HashMap<>();
    private final Set<StreamClient> admins = new LinkedHashSet<>();
    private boolean stopped;

    LocalStreams(Context context, EventFeed feed) {
        this.context = context;
        this.feed = feed;
    }

    Context context() {
        return context;
    }

    EventFeed feed() {
        return feed;
    }

    /** Registers before the client's catch-up read, so nothing committed in between escapes both. */
    boolean add(StreamClient client) {
        if (stopped) {
            return false;
        }
        feed.registered();
        if (client.tenantId() == null) {
            admins.add(client);
        } else {
            byTenant.computeIfAbsent(client.tenantId(), id -> new LinkedHashSet<>()).add(client);
        }
        return true;
    }

    void remove(StreamClient client) {
        boolean removed;
        if (client.tenantId() == null) {
            removed = admins.remove(client);
        } else {
            Set<StreamClient> clients = byTenant.get(client.tenantId());
            removed = clients != null && clients.remove(client);
            if (removed && clients.isEmpty()) {
                byTenant.remove(client.tenantId());
            }
        }
        if (removed) {
            feed.unregistered(1);
        }
    }

    int size() {
        return admins.size() + byTenant.values().stream().mapToInt(Set::size).sum();
    }

    /** On this verticle's event loop. */
    void deliver(List<FeedEvent> batch) {
        if (stopped || (admins.isEmpty() && byTenant.isEmpty())) {
            return;
        }
        Map<UUID, List<FeedEvent>> perTenant = new HashMap<>();
        for (FeedEvent event : batch) {
            if (byTenant.containsKey(event.event().tenantId())) {
                perTenant.computeIfAbsent(event.event().tenantId(), id -> new ArrayList<>()).add(event);
            }
        }
        // Snapshots: a client may close (and leave these sets) while being offered the batch.
        perTenant.forEach((tenantId, events) -> {
            EventBatch shared = new EventBatch(events);
            List.copyOf(byTenant.get(tenantId)).forEach(client -> client.offer(shared));
        });
        if (!admins.isEmpty()) {
            EventBatch all = new EventBatch(batch);
            List.copyOf(admins).forEach(admin -> admin.offer(all));
        }
    }

    /** The HTTP verticle is stopping: streams end so that they do not hold up a graceful shutdown. */
    public Future<Void> stop() {
        stopped = true;
        feed.detach(this);
        List<StreamClient> all = new ArrayList<>(admins);
        byTenant.values().forEach(all::addAll);
        admins.clear();
        byTenant.clear();
        feed.unregistered(all.size());
        return Future.all(all.stream().map(StreamClient::shutdown).toList()).mapEmpty();
    }
}
