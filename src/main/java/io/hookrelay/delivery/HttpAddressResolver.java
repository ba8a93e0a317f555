package io.hookrelay.delivery;

import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds the address a webhook may connect to: resolves the host itself (so the address that is
 * checked is the one dialled, closing the DNS-rebinding gap) and skips every address the
 * {@link TargetUrlPolicy} forbids.
 *
 * <p>Lookups block, so they run on a small dedicated worker pool (a slow DNS server then cannot
 * starve other blocking work) and are cached for {@link #TTL_NANOS}; concurrent sends to one host
 * share a single lookup.
 */
final class HttpAddressResolver {

    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int DNS_THREADS = 8;
    /** Prune expired entries past this size, so hosts that come and go do not pile up. */
    private static final int PRUNE_ABOVE = 4096;

    private record Lookup(Future<List<InetAddress>> addresses, long expiresAt) {}

    private final Vertx vertx;
    private final TargetUrlPolicy targets;
    private final TargetUrlPolicy.Resolver resolver;
    private final WorkerExecutor dns;
    private final Map<String, Lookup> cache = new ConcurrentHashMap<>();

    HttpAddressResolver(Vertx vertx, TargetUrlPolicy targets, TargetUrlPolicy.Resolver resolver) {
        this.vertx = vertx;
        this.targets = targets;
        this.resolver = resolver;
        this.dns = vertx.createSharedWorkerExecutor("hookrelay-webhook-dns", DNS_THREADS);
    }

    /** An address of the target's host that the policy allows, or a failed future with an {@link HttpFailure}. */
    Future<InetAddress> addressFor(HttpTarget target) {
        String host = target.host();
        if (target.literal().isPresent()) {
            InetAddress address = target.literal().get();
            return targets.isAllowedAddress(address)
                    ? Future.succeededFuture(address)
                    : Future.failedFuture(new HttpFailure("refused: " + host + " is a private address"));
        }
        return lookupHere(host).map(addresses -> addresses.stream()
                .filter(targets::isAllowedAddress)
                .findFirst()
                .orElseThrow(() -> new HttpFailure("refused: " + host + " resolves to a private address")));
    }

    /**
     * The lookup, completing on the caller's context even when another context started (and
     * cached) it: the exchange then opens its request, and reads the response, on its own thread.
     */
    private Future<List<InetAddress>> lookupHere(String host) {
        Context here = vertx.getOrCreateContext();
        Promise<List<InetAddress>> promise = Promise.promise();
        lookup(host).onComplete(result -> HttpContexts.runOn(here, () -> promise.handle(result)));
        return promise.future();
    }

    private Future<List<InetAddress>> lookup(String host) {
        String key = host.toLowerCase(Locale.ROOT);
        long now = System.nanoTime();
        Lookup cached = cache.get(key);
        if (cached != null && now - cached.expiresAt() < 0) {
            return cached.addresses();
        }
        if (cache.size() > PRUNE_ABOVE) {
            cache.values().removeIf(entry -> now - entry.expiresAt() >= 0);
        }
        Lookup fresh = new Lookup(dns.executeBlocking(() -> resolve(host), false), now + TTL_NANOS);
        cache.put(key, fresh);
        // Failures are not cached: the next send asks DNS again. Registered after the put, so a
        // lookup that has already failed is removed too.
        fresh.addresses().onFailure(e -> cache.remove(key, fresh));
        return fresh.addresses();
    }

    private List<InetAddress> resolve(String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            addresses = null;
        } catch (RuntimeException e) {
            throw new HttpFailure(HttpFailures.clean("DNS: " + e.getMessage()));
        }
        if (addresses == null || addresses.length == 0) {
            throw new HttpFailure("DNS: no such host " + host);
        }
        return List.of(addresses);
    }

    void close() {
        dns.close();
    }
}
