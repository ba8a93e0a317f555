package io.hookrelay.source.poll;

import io.hookrelay.event.EventStore;
import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Turns polled JSON resources (sources of kind 'http') into events. Every tick it claims due sources
 * under a lease, GETs each one conditionally, and records the outcome: a first body is a
 * {@code resource.snapshot}, a changed body a {@code resource.changed} with the RFC 6902 patch, a 304 or
 * an unchanged body nothing; failures back off exponentially. Any number of instances can share a
 * database: a source is polled by one instance at a time, and a dead instance's sources come free
 * when their leases run out.
 *
 * <p>All state lives on one event-loop context: the caller's when {@link #start()} runs on one (or
 * the verticle's, when deployed), otherwise a new one. Nothing here blocks it; the URL check that may
 * resolve DNS runs on a worker.
 */
public final class ResourcePoller implements Deployable {

    private static final Logger LOG = Logger.getLogger(ResourcePoller.class.getName());

    private final Vertx vertx;
    private final PollerSettings settings;
    private final String owner = "poller-" + UUID.randomUUID();
    private final SourceLeases leases;
    private final ResourceFetcher fetcher;
    private final PollOutcomes outcomes;

    private volatile Context context;
    // Everything below is touched only on the context.
    private final Set<UUID> polling = new HashSet<>();
    private long timer = -1;
    private boolean claiming;
    private boolean claimsFailing;
    private boolean stopping;
    private Promise<Void> drained;
    private Future<Void> stopped;

    public ResourcePoller(Vertx vertx, Pool pool, TargetUrlPolicy targets, PollerSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.leases = new SourceLeases(pool, owner, settings.lease());
        this.fetcher = new ResourceFetcher(vertx, targets, settings);
        this.outcomes = new PollOutcomes(pool, owner, new EventStore(), new Backoff(settings.maxBackoff()));
    }

    /** The lease owner this instance writes into {@code sources.lease_owner}. */
    public String owner() {
        return owner;
    }

    /** Starts ticking; the first tick runs at once. */
    public Future<Void> start() {
        return start(vertx.getOrCreateContext());
    }

    /** Stops claiming, then completes once the polls in flight have written their outcomes. Idempotent. */
    public Future<Void> stop() {
        Context on = context;
        if (on == null) {
            return Future.succeededFuture();
        }
        Promise<Void> result = Promise.promise();
        on.runOnContext(v -> {
            if (stopped == null) {
                stopping = true;
                vertx.cancelTimer(timer);
                drained = Promise.promise();
                drainedIfIdle();
                stopped = drained.future().compose(done -> fetcher.close());
            }
            stopped.onComplete(result);
        });
        return result.future();
    }

    /** As a verticle: deploy it with {@code vertx.deployVerticle(poller)}, and undeploying stops it. */
    @Override
    public Future<?> deploy(Context context) {
        return start(context);
    }

    @Override
    public Future<?> undeploy(Context context) {
        return stop();
    }

    private synchronized Future<Void> start(Context on) {
        if (context != null) {
            return Future.failedFuture(new IllegalStateException("the resource poller is already started"));
        }
        context = on;
        Promise<Void> started = Promise.promise();
        on.runOnContext(v -> {
            timer = vertx.setPeriodic(settings.tickInterval().toMillis(), id -> tick());
            tick();
            started.complete();
        });
        return started.future();
    }

    private void tick() {
        int free = settings.batchSize() - polling.size();
        if (stopping || claiming || free <= 0) {
            return;
        }
        claiming = true;
        leases.claim(free, polling).onComplete(claimed -> {
            claiming = false;
            if (claimed.failed()) {
                // Once per outage, not once per tick: the database being away is one event.
                if (!claimsFailing) {
                    claimsFailing = true;
                    LOG.warning("claiming due sources failed, retrying every tick: " + claimed.cause().getMessage());
                }
            } else {
                if (claimsFailing) {
                    claimsFailing = false;
                    LOG.info("claiming due sources works again");
                }
                claimed.result().forEach(this::poll);
            }
            drainedIfIdle();
        });
    }

    private void poll(PolledSource source) {
        polling.add(source.id());
        fetcher.fetch(source)
                .transform(fetch -> fetch.succeeded()
                        ? record(source, fetch.result())
                        : outcomes.failed(source, ResourceFetcher.describe(fetch.cause())))
                .onComplete(written -> {
                    polling.remove(source.id());
                    if (written.failed()) {
                        // The lease runs out and the source is polled again; nothing was half-written.
                        LOG.warning("recording the poll of source " + source.id() + " failed: " + written.cause().getMessage());
                    } else if (!written.result()) {
                        LOG.info("source " + source.id() + " was taken over by another instance or deleted while polled;"
                                + " its result is dropped");
                    }
                    drainedIfIdle();
                });
    }

    private Future<Boolean> record(PolledSource source, FetchResult result) {
        if (result instanceof FetchResult.Fetched fetched) {
            return outcomes.fetched(source, fetched, ChangeDetector.detect(source, fetched.body()))
                    // A body the database refuses (jsonb cannot hold a NUL character, for one) must not be
                    // retried at full speed forever: count it as the source's failure, which backs off.
                    .recover(e -> outcomes.failed(source, new PollFailure("the response could not be stored: " + databaseReason(e))));
        }
        return outcomes.notModified(source, (FetchResult.NotModified) result);
    }

    /** PostgreSQL's own words without the severity and SQLSTATE wrapping, for last_error. */
    private static String databaseReason(Throwable e) {
        if (e instanceof PgException pg && pg.getErrorMessage() != null) {
            return pg.getErrorMessage() + (pg.getDetail() == null ? "" : " (" + pg.getDetail() + ")");
        }
        return e.getMessage();
    }

    private void drainedIfIdle() {
        if (stopping && !claiming && polling.isEmpty()) {
            drained.tryComplete();
        }
    }
}
