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
    private final Map<UUID, Integer> inFlightBySubscription = new HashMap<>();
    private final Map<UUID, Integer> capBySubscription = new HashMap<>();
    private int inFlight;
    private boolean claiming;
    private boolean again;
    private boolean stopped;

    DeliverySender(DeliveryClaims claims, WebhookRequests requests, WebhookHttpClient http, DeliveryOutcomes outcomes,
                   RetryPolicy retry, int maxInFlight) {
        this.claims = claims;
        this.requests = requests;
        this.http = http;
        this.outcomes = outcomes;
        this.retry = retry;
        this.maxInFlight = maxInFlight;
    }

    void wake() {
        if (stopped) {
            return;
        }
        if (claiming) {
            again = true;
            return;
        }
        int free = Math.min(MAX_CLAIM, maxInFlight - inFlight);
        if (free <= 0) {
            return;
        }
        claiming = true;
        again = false;
        claims.claim(free, Map.copyOf(inFlightBySubscription), Map.copyOf(capBySubscription)).onComplete(result -> {
            claiming = false;
            if (result.failed()) {
                LOG.warning("claiming deliveries failed (retrying on the next tick): " + result.cause().getMessage());
                return;
            }
            List<ClaimedDelivery> claimed = result.result();
            claimed.forEach(this::send);
            if (again || claimed.size() == free) {
                wake();
            }
        });
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
