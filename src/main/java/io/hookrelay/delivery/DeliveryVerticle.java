package io.hookrelay.delivery;

import io.hookrelay.config.Config;
import io.hookrelay.crypto.SecretBox;
import io.hookrelay.db.Database;
import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The delivery engine on one event loop: the dispatcher fans events out to deliveries, the sender
 * sends them, and both wake on NOTIFY from the events table with a slow poll as the safety net.
 */
public final class DeliveryVerticle extends VerticleBase {

    private static final Logger LOG = Logger.getLogger(DeliveryVerticle.class.getName());
    public static final String USER_AGENT = "Hookrelay/" + version() + " (+https://hookrelay.dev)";
    private static final int DISPATCH_BATCH = 500;

    // The dispatcher, the claims and the outcome writer each keep at most one statement running.
    private static final int ENGINE_CONNECTIONS = 4;

    private final Config config;
    private final PgConnectOptions connectOptions;
    private final SecretBox secretBox;
    private final TargetUrlPolicy targets;
    private final String owner = "hookrelay-" + UUID.randomUUID();
    private EventWakeups wakeups;
    private LeaseHolderLock holderLock;
    private DeliveryClaims claims;
    private DeliverySender sender;
    private DeliveryOutcomes outcomes;
    private WebhookHttpClient http;
    private Pool pool;
    private long timer;

    public DeliveryVerticle(Config config, PgConnectOptions connectOptions, SecretBox secretBox,
                            TargetUrlPolicy targets) {
        this.config = config;
        this.connectOptions = connectOptions;
        this.secretBox = secretBox;
        this.targets = targets;
    }

    @Override
    public Future<?> start() {
        Config.Delivery settings = config.delivery();
        pool = Database.enginePool(vertx, connectOptions, ENGINE_CONNECTIONS);
        RetryPolicy retry = new RetryPolicy(settings.retryInitial(), settings.retryMax(), settings.retryMaxAttempts(),
                settings.retryMaxAge());
        http = new WebhookHttpClient(vertx, targets, settings.connectTimeout(), settings.timeout(), 4096, USER_AGENT,
                settings.maxInFlight());
        outcomes = new DeliveryOutcomes(vertx, pool, owner, settings.disableAfterFailures(), settings.disableAfter(),
                settings.lease());
        holderLock = new LeaseHolderLock(vertx, connectOptions);
        claims = new DeliveryClaims(pool, owner, holderLock, settings.maxInFlightPerSubscription(), settings.lease());
        sender = new DeliverySender(claims, new WebhookRequests(secretBox), http, outcomes, retry, settings.maxInFlight(),
                holderLock::held);
        Dispatcher dispatcher = new Dispatcher(pool, DISPATCH_BATCH, sender::wake);
        // Events the service writes come with their deliveries, for whichever instance holds their queues.
        wakeups = new EventWakeups(vertx, connectOptions, sender::wake, dispatcher::wake);
        timer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> {
            dispatcher.wake();
            endLeasesOfGoneHolders().onComplete(v -> sender.rescan());
            claims.renew(sender.heldQueues()).onFailure(e -> LOG.warning("renewing queue leases failed: " + e.getMessage()));
        });
        // Before the first claim: the queues of a predecessor that was killed are free at once.
        return Future.all(wakeups.start(), holderLock.start())
                .compose(v -> endLeasesOfGoneHolders())
                .onSuccess(v -> {
                    dispatcher.wake();
                    sender.wake();
                });
    }

    /** Stops claiming, then waits (within the shutdown timeout) for sends in flight and their outcomes. */
    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        sender.stop();
        Promise<Void> drained = Promise.promise();
        Duration patience = config.shutdownTimeout();
        long started = System.nanoTime();
        long deadline = started + patience.toNanos();
        int sending = sender.inFlight();
        LOG.info("delivery engine stopping: no new claims; waiting up to " + patience + " for " + sends(sending)
                + " in flight" + (outcomes.idle() ? "" : " and outcomes not yet written"));
        long check = vertx.setPeriodic(50, id -> {
            if ((sender.inFlight() == 0 && outcomes.idle()) || System.nanoTime() > deadline) {
                vertx.cancelTimer(id);
                drained.tryComplete();
            }
        });
        // Once nothing is held, the queues are handed over at once rather than when their leases run out.
        return drained.future()
                .compose(v -> {
                    logDrain(sending, started);
                    return sender.inFlight() == 0 && outcomes.idle() ? claims.release() : Future.succeededFuture();
                })
                .otherwiseEmpty()
                .eventually(() -> wakeups.stop())
                .eventually(() -> holderLock.stop()).onComplete(v -> {
            vertx.cancelTimer(check);
            http.close();
            pool.close();
        });
    }

    /** Never fails: a failure is logged, and the next tick tries again. */
    private Future<Void> endLeasesOfGoneHolders() {
        return claims.endLeasesOfGoneHolders()
                .onSuccess(ended -> {
                    if (ended > 0) {
                        LOG.info("ended " + ended + " queue leases of instances that are gone; their queues are sent at once");
                    }
                })
                .<Void>mapEmpty()
                .otherwise(e -> {
                    LOG.warning("ending the leases of gone instances failed: " + e.getMessage());
                    return null;
                });
    }

    /** The operator's record of what a stop finished and what it left for another instance to send again. */
    private void logDrain(int sending, long started) {
        String took = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
        int left = sender.inFlight();
        if (left == 0 && outcomes.idle()) {
            LOG.info("delivery engine drained in " + took + ": " + sends(sending) + " in flight finished,"
                    + " every outcome written, queue leases released");
        } else {
            LOG.warning("delivery engine stopped after " + took + " without draining: " + sends(sending - left)
                    + " of " + sending + " in flight finished, " + sends(left) + " still in flight"
                    + (outcomes.idle() ? "" : ", outcomes not yet written")
                    + "; they are sent again by the next instance to take their queues");
        }
    }

    private static String sends(int n) {
        return n + (n == 1 ? " delivery" : " deliveries");
    }

    private static String version() {
        String version = DeliveryVerticle.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
