package io.hookrelay.delivery;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Keeps up to {@code maxInFlight} deliveries in flight. It claims deliveries of the queues it holds a cap's
 * worth ahead of the sends ({@link SenderQueue}), so a slot freed by an answer is filled at once from what is
 * claimed, and the next claim runs while the sends go on; it never waits for a claim between two requests to
 * one endpoint. Outcomes go to {@link DeliveryOutcomes}. A slow or dead endpoint only ever holds its own few
 * slots. A delivery stays held from its claim until its outcome is committed (or, if it was never sent, until
 * it is given back): until then the database still has it pending and due, and a claim must not hand it out
 * again. Not thread-safe: one event loop drives it.
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
    /** While false (the lease holder lock is lost), nothing claimed is sent: others may be taking the queues. */
    private final BooleanSupplier mayHoldQueues;
    private final Map<UUID, SenderQueue> queues = new HashMap<>();
    /** Every delivery held: claimed and waiting, in flight, or answered with the outcome not yet committed. */
    private final Set<UUID> held = new HashSet<>();
    /** Queues with deliveries ready to go that wait for a slot under {@code maxInFlight}. */
    private final Set<SenderQueue> waitingForSlot = new LinkedHashSet<>();
    private int inFlight;
    private int buffered;
    /** Poll ticks so far: what was claimed before the previous tick and is still unsent is given back. */
    private long tick;
    private boolean claiming;
    private boolean again;
    private boolean stopped;

    DeliverySender(DeliveryClaims claims, WebhookRequests requests, WebhookHttpClient http, DeliveryOutcomes outcomes,
                   RetryPolicy retry, int maxInFlight, BooleanSupplier mayHoldQueues) {
        this.claims = claims;
        this.requests = requests;
        this.http = http;
        this.outcomes = outcomes;
        this.retry = retry;
        this.maxInFlight = maxInFlight;
        this.mayHoldQueues = mayHoldQueues;
    }

    void wake() {
        if (stopped) {
            return;
        }
        if (claiming) {
            again = true;
            return;
        }
        // Room for a cap in flight and one waiting, summed over the instance.
        int free = Math.min(MAX_CLAIM, 2 * maxInFlight - inFlight - buffered);
        if (free <= 0) {
            return;
        }
        claiming = true;
        again = false;
        Map<UUID, Integer> busy = new HashMap<>();
        List<UUID> full = new ArrayList<>();
        Map<UUID, QueuePosition> positions = new HashMap<>();
        queues.values().forEach(queue -> {
            if (queue.full()) {
                full.add(queue.subscription);
            } else if (queue.busy() > 0) {
                busy.put(queue.subscription, queue.busy());
            }
            if (queue.position() != null) {
                positions.put(queue.subscription, queue.position());
            }
        });
        long claimTick = tick;
        claims.claim(free, busy, full, List.copyOf(held), positions).onComplete(result -> {
            claiming = false;
            if (result.failed()) {
                LOG.warning("claiming deliveries failed (retrying on the next tick): " + result.cause().getMessage());
                return;
            }
            List<ClaimedDelivery> claimed = result.result();
            Set<SenderQueue> touched = new LinkedHashSet<>();
            for (ClaimedDelivery delivery : claimed) {
                SenderQueue queue = queues.computeIfAbsent(delivery.subscriptionId(), SenderQueue::new);
                queue.buffer(delivery, claimTick);
                held.add(delivery.id());
                buffered++;
                touched.add(queue);
            }
            touched.forEach(this::pump);
            if (again || claimed.size() == free) {
                wake();
            }
        });
    }

    /**
     * On every poll tick: reads every queue from its start on the next claim, and gives back what was claimed
     * before the previous tick and is still waiting (a slow endpoint's read-ahead), so nothing claimed waits
     * long enough for its subscription's state or lease to have changed unseen.
     */
    void rescan() {
        tick++;
        for (SenderQueue queue : List.copyOf(queues.values())) {
            giveBack(queue, queue.dropBufferedBefore(tick - 1));
            queue.forgetPosition();
        }
        wake();
    }

    void stop() {
        stopped = true;
        for (SenderQueue queue : List.copyOf(queues.values())) {
            giveBack(queue, queue.dropAllBuffered());
        }
    }

    int inFlight() {
        return inFlight;
    }

    /** The subscriptions whose queues this instance must keep: it holds deliveries of them. */
    Set<UUID> heldQueues() {
        return Set.copyOf(queues.keySet());
    }

    /** Sends what the queue may send now, within the instance's slots. */
    private void pump(SenderQueue queue) {
        if (!mayHoldQueues.getAsBoolean()) {
            giveBack(queue, queue.dropAllBuffered());
            return;
        }
        while (queue.canSend()) {
            if (inFlight >= maxInFlight) {
                waitingForSlot.add(queue);
                return;
            }
            buffered--;
            send(queue, queue.send());
        }
        waitingForSlot.remove(queue);
        if (queue.runningLow()) {
            wake();
        }
    }

    private void giveBack(SenderQueue queue, List<ClaimedDelivery> deliveries) {
        for (ClaimedDelivery delivery : deliveries) {
            held.remove(delivery.id());
            buffered--;
        }
        forgetIfIdle(queue);
    }

    private void forgetIfIdle(SenderQueue queue) {
        if (queue.held() == 0) {
            queues.remove(queue.subscription);
            waitingForSlot.remove(queue);
        }
    }

    private void send(SenderQueue queue, ClaimedDelivery delivery) {
        inFlight++;
        Instant attemptedAt = Instant.now();
        OutboundRequest request;
        try {
            request = requests.build(delivery, attemptedAt);
        } catch (RuntimeException e) {
            finish(queue, delivery, new SendResult(0, "cannot sign: " + e.getMessage(), null, 0, null), attemptedAt, Map.of());
            return;
        }
        Map<String, String> visible = WebhookRequests.visibleHeaders(request);
        Future<SendResult> sent = http.send(request);
        sent.onComplete(result -> finish(queue, delivery, result.succeeded() ? result.result()
                : new SendResult(0, String.valueOf(result.cause().getMessage()), null, 0, null), attemptedAt, visible));
    }

    private void finish(SenderQueue queue, ClaimedDelivery delivery, SendResult result, Instant attemptedAt,
                        Map<String, String> headers) {
        Outcome outcome = decide(delivery, result, attemptedAt, headers);
        inFlight--;
        queue.answered();
        outcomes.add(outcome).onComplete(settled -> written(queue, outcome));
        pump(queue);
        if (!waitingForSlot.isEmpty()) {
            for (SenderQueue waiting : List.copyOf(waitingForSlot)) {
                pump(waiting);
            }
        }
    }

    private void written(SenderQueue queue, Outcome outcome) {
        held.remove(outcome.delivery().id());
        queue.written();
        QueuePosition position = queue.position();
        if (outcome.nextAttemptAt() != null && position != null
                && !outcome.nextAttemptAt().isAfter(position.nextAttemptAt().toInstant())) {
            // Its retry falls due behind where the next claim reads on: read the queue from its start.
            queue.forgetPosition();
        }
        forgetIfIdle(queue);
        // A slot under the bound on what is sent and not yet written, or an ordered queue's turn, may be free now.
        pump(queue);
        if (queue.ordered() && queue.held() == 0) {
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
