package io.hookrelay.tenant;

import io.hookrelay.http.Principal;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which tenant a key hash belongs to for a few seconds, so a busy client does not cost a
 * database read per request. Only found keys are remembered: a new key works at once, and unknown
 * tokens cannot fill memory. A key revoked through this instance stops working at once; through
 * another instance, within {@link #TTL_NANOS}.
 */
public final class ApiKeyCache {

    static final long TTL_NANOS = 5_000_000_000L;
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(Principal principal, long loadedAt) {
    }

    private final ApiKeyRepository keys;
    private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();

    public ApiKeyCache(ApiKeyRepository keys) {
        this.keys = keys;
    }

    public Future<Optional<Principal>> findByHash(byte[] hash) {
        ByteBuffer key = ByteBuffer.wrap(hash);
        Entry entry = entries.get(key);
        if (entry != null && System.nanoTime() - entry.loadedAt() < TTL_NANOS) {
            return Future.succeededFuture(Optional.of(entry.principal()));
        }
        return keys.findActiveByHash(hash).map(found -> {
            if (found.isPresent()) {
                if (entries.size() >= MAX_ENTRIES) {
                    entries.clear();
                }
                entries.put(key, new Entry(found.get(), System.nanoTime()));
            } else {
                entries.remove(key);
            }
            return found;
        });
    }

    void forget(UUID apiKeyId) {
        entries.values().removeIf(entry -> apiKeyId.equals(entry.principal().apiKeyId()));
    }
}
