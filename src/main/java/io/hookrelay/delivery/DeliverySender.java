package io.hookrelay.delivery;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Keeps up to {@code maxInFlight} deliveries in flight: claims as many as there are free slots (never
 * more than a subscription's own cap), sends each, and hands the outcome to {@link DeliveryOutcomes}.
 * A slow or dead endpoint only ever holds its own few slots. A delivery stays held from its claim until
 * its outcome is committed: until then the database still has it pending and due, and a claim must not
 * hand it out again. Not thread-safe: one event loop drives it.
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
    /** Sent or being sent, outcome not yet committed. */
    private final Set<UUID> held = new HashSet<>();
    private final Map<UUID, Integer> heldBySubscription = new HashMap<>();
    private final Set<UUID> orderedSubscriptions = new HashSet<>();
    /**
     * Where the next claim goes on reading each queue, while this instance holds some of it. A delivery that
     * becomes due behind that place (a retry due sooner than its outcome was written, a row committed late)
     * is found by the rescan on every poll tick, which reads every queue from its start.
     */
    private final Map<UUID, QueuePosition> positions = new HashMap<>();
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
        claims.claim(free, busy(), Map.copyOf(capBySubscription), List.copyOf(held), Map.copyOf(positions))
                .onComplete(result -> {
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

    /** Reads every queue from its start on the next claim, then wakes. */
    void rescan() {
        positions.clear();
        wake();
    }

    void stop() {
        stopped = true;
    }

    int inFlight() {
        return inFlight;
    }

    /** The subscriptions whose queues this instance must keep: it holds deliveries of them. */
    Set<UUID> heldQueues() {
        return Set.copyOf(heldBySubscription.keySet());
    }

    /**
     * What counts against a subscription's cap: its requests in flight, and whatever of its answered deliveries
     * wait to be written beyond a second cap's worth. So at most a cap is in flight and at most two caps are sent
     * and not yet written, which is all that a crash can make go twice. For an ordered subscription anything held
     * counts, or its head would go twice.
     */
    private Map<UUID, Integer> busy() {
        Map<UUID, Integer> busy = new HashMap<>();
        heldBySubscription.forEach((subscription, held) -> {
            int inFlight = inFlightBySubscription.getOrDefault(subscription, 0);
            busy.put(subscription, orderedSubscriptions.contains(subscription) ? held
                    : Math.max(inFlight, held - capBySubscription.getOrDefault(subscription, held)));
        });
        return busy;
    }

    /** Sent and not yet written: the most a crash can make this subscription's receiver get twice. */
    static int unwrittenBound(int cap) {
        return 2 * cap;
    }

    private void send(ClaimedDelivery delivery) {
        held.add(delivery.id());
        heldBySubscription.merge(delivery.subscriptionId(), 1, Integer::sum);
        if (delivery.ordered()) {
            orderedSubscriptions.add(delivery.subscriptionId());
        } else {
            positions.merge(delivery.subscriptionId(), delivery.position(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
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
        Outcome outcome = decide(delivery, result, attemptedAt, headers);
        outcomes.add(outcome).onComplete(settled -> release(outcome));
        inFlight--;
        inFlightBySubscription.computeIfPresent(delivery.subscriptionId(), (id, n) -> n <= 1 ? null : n - 1);
        wake();
    }

    private void release(Outcome outcome) {
        ClaimedDelivery delivery = outcome.delivery();
        held.remove(delivery.id());
        UUID subscription = delivery.subscriptionId();
        Integer heldBefore = heldBySubscription.get(subscription);
        boolean atUnwrittenBound = heldBefore != null && heldBefore >= unwrittenBound(delivery.cap());
        if (heldBySubscription.computeIfPresent(subscription, (id, n) -> n <= 1 ? null : n - 1) == null) {
            orderedSubscriptions.remove(subscription);
            positions.remove(subscription);
            capBySubscription.remove(subscription);
        } else if (outcome.nextAttemptAt() != null) {
            QueuePosition position = positions.get(subscription);
            if (position != null && !outcome.nextAttemptAt().isAfter(position.nextAttemptAt().toInstant())) {
                positions.remove(subscription);
            }
        }
        if (delivery.ordered() || atUnwrittenBound) {
            wake();
        }
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
