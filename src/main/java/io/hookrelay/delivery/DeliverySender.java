package io.hookrelay.delivery;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Keeps up to {@code maxInFlight} deliveries in flight: claims as many as there are free slots (never
 * more than a subscription's own cap), sends each, and hands the outcome to {@link DeliveryOutcomes}.
 * A slow or dead endpoint only ever holds its own few slots. Not thread-safe: one event loop drives it.
 */
final class DeliverySender {

    private static final Logger LOG = Logger.getLogger(DeliverySender.class.getName());
    private static final int MAX_CLAIM = 500;

    private final DeliveryClaims claims;
    private final WebhookRequests requests;
    private final WebhookHttpClient http;
    private final DeliveryOutcomes outcomes;
    private final RetryPolicy retry;
    private final int maxInFlight;
    private final int perSubscription;
    private final Map<UUID, Integer> inFlightBySubscription = new HashMap<>();
    private final Map<UUID, Integer> capBySubscription = new HashMap<>();
    private int inFlight;
    private boolean claiming;
    private boolean again;
    private boolean stopped;

    DeliverySender(DeliveryClaims claims, WebhookRequests requests, WebhookHttpClient http, DeliveryOutcomes outcomes,
                   RetryPolicy retry, int maxInFlight, int perSubscription) {
        this.claims = claims;
        this.requests = requests;
        this.http = http;
        this.outcomes = outcomes;
        this.retry = retry;
        this.maxInFlight = maxInFlight;
        this.perSubscription = perSubscription;
    }

    void wake() {
        if (stopped) {
            return;
        }
        if (claiming) {
            again = true;
            return;
        }
        FreeSlots slots = freeSlots();
        if (slots.total() <= 0) {
            return;
        }
        claiming = true;
        again = false;
        claims.claim(slots).onComplete(result -> {
            if (result.failed()) {
                claiming = false;
                LOG.warning("claiming deliveries failed (retrying on the next tick): " + result.cause().getMessage());
                return;
            }
            sendLeased(result.result(), result.result().size() == slots.total());
        });
    }

    /**
     * Lends this instance's free slots to the dispatcher, which leases fresh deliveries as it creates them
     * and so spares them a claim. No claim runs meanwhile, so the two never count the same slot twice;
     * {@link #sendLeased} or {@link #dispatchFailed} gives the slots back. NONE when a claim is running.
     */
    FreeSlots lendToDispatcher() {
        if (stopped || claiming) {
            return FreeSlots.NONE;
        }
        FreeSlots slots = freeSlots();
        if (slots.total() > 0) {
            claiming = true;
        }
        return slots;
    }

    void dispatchFailed() {
        claiming = false;
        if (again) {
            wake();
        }
    }

    /** Sends what a claim or the dispatcher leased; {@code full}: the slots were all used, so claim again. */
    void sendLeased(List<ClaimedDelivery> leased, boolean full) {
        claiming = false;
        leased.forEach(this::send);
        if (again || full) {
            wake();
        }
    }

    private FreeSlots freeSlots() {
        int free = Math.min(MAX_CLAIM, maxInFlight - inFlight);
        return free <= 0 ? FreeSlots.NONE
                : FreeSlots.of(free, inFlightBySubscription, capBySubscription, perSubscription);
    }

    void stop() {
        stopped = true;
    }

    int inFlight() {
        return inFlight;
    }

    private void send(ClaimedDelivery delivery) {
        inFlight++;
        inFlightBySubscription.merge(delivery.subscriptionId(), 1, Integer::sum);
        capBySubscription.put(delivery.subscriptionId(), delivery.cap());
        Instant attemptedAt = Instant.now();
        OutboundRequest request;
        try {
            request = requests.build(delivery, attemptedAt);
        } catch (RuntimeException e) {
            finish(delivery, new SendResult(0, "cannot sign: " + e.getMessage(), null, 0, null), attemptedAt, Map.of());
            return;
        }
        Map<String, String> visible = WebhookRequests.visibleHeaders(request);
        Future<SendResult> sent = http.send(request);
        sent.onComplete(result -> finish(delivery, result.succeeded() ? result.result()
                : new SendResult(0, String.valueOf(result.cause().getMessage()), null, 0, null), attemptedAt, visible));
    }

    private void finish(ClaimedDelivery delivery, SendResult result, Instant attemptedAt, Map<String, String> headers) {
        outcomes.add(decide(delivery, result, attemptedAt, headers));
        inFlight--;
        if (inFlightBySubscription.computeIfPresent(delivery.subscriptionId(), (id, n) -> n <= 1 ? null : n - 1) == null) {
            capBySubscription.remove(delivery.subscriptionId());
        }
        wake();
    }

    private Outcome decide(ClaimedDelivery delivery, SendResult result, Instant attemptedAt, Map<String, String> headers) {
        if (result.succeeded()) {
            return new Outcome(delivery, result, Outcome.SUCCEEDED, null, attemptedAt, headers);
        }
        if (result.statusCode() == 410) {
            return new Outcome(delivery, result, Outcome.PARKED, null, attemptedAt, headers);
        }
        boolean honorRetryAfter = result.statusCode() == 429 || result.statusCode() == 503;
        Duration retryAfter = honorRetryAfter ? result.retryAfter() : null;
        return retry.nextAttempt(delivery.attempt(), delivery.cycleStartedAt().toInstant(), Instant.now(), retryAfter,
                        ThreadLocalRandom.current().nextDouble(0.5, 1.0))
                .map(next -> new Outcome(delivery, result, Outcome.PENDING, next, attemptedAt, headers))
                .orElseGet(() -> new Outcome(delivery, result, Outcome.FAILED, null, attemptedAt, headers));
    }
}
