package io.hookrelay.bench;

import io.hookrelay.bench.DeliveryReceiver.Answer;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Delivery benchmarks against the service jar (see bench/run-bench.sh deliveries-*). Each scenario starts the
 * service on a fresh database with receivers on 127.0.0.1 in this JVM, drives it, and prints its figures with
 * the goals beside them. It never asserts: a missed goal is a finding to report, not a failure.
 * <pre>
 * DeliveryBench throughput &lt;database-url|embedded&gt; [events=200000] [window-seconds=15]
 * DeliveryBench one-endpoint &lt;database-url|embedded&gt; [events=60000] [window-seconds=15]
 * DeliveryBench latency    &lt;database-url|embedded&gt; [events-per-second=500] [seconds=20]
 * DeliveryBench isolation  &lt;database-url|embedded&gt; [events-per-second=20] [seconds=20] [rounds=2]
 * </pre>
 */
public final class DeliveryBench {

    private static final int PUBLISH_CLIENTS = 64;
    private static final int WARMUP_SECONDS = 5;
    /**
     * Warm-up of the paced scenarios (latency, isolation), at their own rate, before the measured period. After
     * 10 s the service had only just caught up with the cold start's backlog, and stalls of up to 300 ms in the
     * first two measured seconds (none later) made the latency run's p99 124-256 ms; after 30 s it was 9.8 ms.
     */
    private static final int PACED_WARMUP_SECONDS = 30;
    private static final int PLAIN_CONCURRENCY = 256;
    /** Bounds the publish phase of the throughput runs, whatever the pace of the service. */
    private static final int MAX_PUBLISH_SECONDS = 180;
    /** Length of the live phase of the one-subscription run (publishing and delivering together), warm-up included. */
    private static final int LIVE_SECONDS = 15;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DeliveryBench throughput|latency|isolation <database-url|embedded> [options]");
            System.exit(2);
        }
        String[] options = java.util.Arrays.copyOfRange(args, 2, args.length);
        if (!ENVIRONMENT_SETTINGS.isEmpty()) {
            System.out.println("== service settings from the environment (scenario settings still win): " + ENVIRONMENT_SETTINGS);
        }
        // An interrupted bench skips its try-with-resources; the service it started must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy), "stop-bench-services"));
        Vertx vertx = Vertx.vertx();
        try (DeliveryDatabases databases = DeliveryDatabases.on(args[1])) {
            switch (args[0]) {
                case "throughput" -> throughput(vertx, databases, options);
                case "one-endpoint" -> oneEndpoint(vertx, databases, options);
                case "latency" -> latency(vertx, databases, options);
                case "isolation" -> isolation(vertx, databases, options);
                default -> {
                    System.err.println("unknown scenario: " + args[0]);
                    System.exit(2);
                }
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    // ---- throughput -------------------------------------------------------------------------------------

    private record Throughput(String label, double perSecond, long rssMiB) {
    }

    /** How a throughput run builds the backlog it then drains. */
    private enum Backlog {
        /**
         * Publish with the subscriptions disabled, then enable and recover them. Needed for one subscription:
         * with it active, delivery keeps pace with publishing on two cores and no backlog builds up. Recover
         * queues a subscription's backlog in one statement, so with several subscriptions their deliveries come
         * one subscription after another in due order rather than interleaved.
         */
        RECOVERED("pre-published with the subscriptions disabled, then enable + recover"),
        /** Publish with the subscriptions active: each event fans out to all of them, interleaved in due order. */
        FANNED_OUT("published with the subscriptions active (fan-out)");

        final String description;

        Backlog(String description) {
            this.description = description;
        }
    }

    private static void throughput(Vertx vertx, DeliveryDatabases databases, String[] options) throws Exception {
        long events = longOption(options, 0, 200_000);
        int window = (int) longOption(options, 1, 15);
        // Each event fans out 16 times, so a 16th of the events makes the same number of deliveries.
        long sixteenth = Math.max(1, events / 16);
        List<Throughput> runs = new ArrayList<>();
        try (DeliveryReceiver receiver = DeliveryReceiver.start(vertx, 1, path -> Answer.OK)) {
            runs.add(throughputRun(vertx, databases, receiver, 1, Map.of(PER_SUBSCRIPTION_CAP, "256"),
                    Backlog.RECOVERED, events, window));
            runs.add(throughputRun(vertx, databases, receiver, 16, Map.of(), Backlog.FANNED_OUT, sixteenth, window));
            // The same 16 subscriptions with a backlog queued by recover: the order a recovery after an outage makes.
            runs.add(throughputRun(vertx, databases, receiver, 16, Map.of(), Backlog.RECOVERED, sixteenth, window));

            DeliveryReceiver.Sample sample = receiver.sample();
            if (sample == null) {
                System.out.println("== plain POSTs: skipped, the receiver never saw a delivery to copy");
                return;
            }
            receiver.reset();
            System.out.printf("== plain POSTs: Vert.x HttpClient, %d concurrent keep-alive requests, the %d-byte body and"
                            + " headers of a real delivery, %d s measured after 3 s warm-up (service stopped)%n",
                    PLAIN_CONCURRENCY, sample.body().length(), window);
            DeliveryPlainPosts.Result plain = DeliveryPlainPosts.run(vertx, receiver.port(0), "/plain",
                    sample.headers(), sample.body(), PLAIN_CONCURRENCY, 3, window);
            System.out.printf("  plain       %.0f POSTs/s (%d in window, %d errors)%n", plain.perSecond(),
                    plain.completed(), plain.errors());
            System.out.printf("  cpu         %s%n", plain.cpu().per(plain.completed(), "POSTs"));
            System.out.println("== summary");
            for (Throughput run : runs) {
                double ratio = run.perSecond() / plain.perSecond();
                System.out.printf("  %-52s %6.0f deliveries/s = %.2f x plain   goals >= 5000/s: %s, >= 0.5 x plain: %s;"
                                + " service RSS peak %d MiB%n", run.label() + ":", run.perSecond(), ratio,
                        verdict(run.perSecond() >= 5000), verdict(ratio >= 0.5), run.rssMiB());
            }
        }
    }

    /** One subscription at the default cap of 8, a receiver that answers at once: what one endpoint gets. */
    private static void oneEndpoint(Vertx vertx, DeliveryDatabases databases, String[] options) throws Exception {
        long events = longOption(options, 0, 60_000);
        int window = (int) longOption(options, 1, 15);
        try (DeliveryReceiver receiver = DeliveryReceiver.start(vertx, 1, path -> Answer.OK)) {
            Throughput run = throughputRun(vertx, databases, receiver, 1, Map.of(), Backlog.RECOVERED, events, window);
            System.out.printf("== summary%n  %-52s %6.0f deliveries/s   goal >= 5000/s: %s; service RSS peak %d MiB%n",
                    run.label() + ":", run.perSecond(), verdict(run.perSecond() >= 5000), run.rssMiB());
        }
    }

    /**
     * One run on a fresh database: create the subscriptions while the receiver answers, build a backlog (see
     * {@link Backlog}), then count the requests reaching the receiver over the window, for as long as the backlog
     * lasts - the delivery capacity. Publishing while delivering is measured on the way, as a secondary figure:
     * for {@link Backlog#RECOVERED} with one subscription in a {@link #LIVE_SECONDS} s live phase first, for
     * {@link Backlog#FANNED_OUT} while the events are published.
     */
    private static Throughput throughputRun(Vertx vertx, DeliveryDatabases databases, DeliveryReceiver receiver,
                                            int subscriptions, Map<String, String> extra, Backlog backlog, long events,
                                            int window) throws Exception {
        String label = subscriptions + (subscriptions == 1 ? " subscription" : " subscriptions");
        String cap = settings(extra).getOrDefault(PER_SUBSCRIPTION_CAP, "8 (default)");
        System.out.printf("== deliveries-throughput: %s, HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION=%s,"
                        + " HOOKRELAY_MAX_IN_FLIGHT=%s; backlog of %d events %s%n",
                label, cap, settings(extra).getOrDefault("HOOKRELAY_MAX_IN_FLIGHT", "512 (default)"), events,
                backlog.description);
        String database = databases.fresh("throughput_" + subscriptions + "_" + backlog.name().toLowerCase());
        receiver.reset();
        Instant runStart = Instant.now().minusSeconds(60);
        try (BenchService service = BenchService.start(database, settings(extra));
             DeliveryApi api = DeliveryApi.connect(vertx, service, PUBLISH_CLIENTS);
             DeliveryRssSampler rss = new DeliveryRssSampler(vertx, service)) {
            List<String> ids = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < subscriptions; i++) {
                String path = "/throughput/" + subscriptions + "/" + i;
                paths.add(path);
                ids.add(api.subscribe(receiver.url(0, path)));
            }
            long expected;
            if (backlog == Backlog.FANNED_OUT) {
                expected = live(service, api, receiver, subscriptions, events, MAX_PUBLISH_SECONDS) * subscriptions;
            } else {
                // A live phase is only worth its time where nothing else shows publishing and delivering together.
                long liveEvents = subscriptions == 1
                        ? live(service, api, receiver, subscriptions, LIVE_SECONDS * 20_000L, LIVE_SECONDS) : 0;
                expected = liveEvents * subscriptions + prePublishAndRecover(api, ids, events, runStart);
            }
            // Lets the dispatcher finish fanning out the last events and the engine settle into draining.
            System.out.printf("  window      starts after a %d s warm-up once publishing has ended%n", WARMUP_SECONDS);
            sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS));

            CpuAccount.Snapshot cpuFrom = CpuAccount.snapshot(service.process.pid());
            Drain drain = drain(receiver, expected, window);
            CpuAccount.Spent cpu = CpuAccount.between(cpuFrom, CpuAccount.snapshot(service.process.pid()));
            System.out.printf("  backlog     %d deliveries at the window's start, %d at its end%s%n",
                    drain.startBacklog(), Math.max(0, drain.endBacklog()), drain.ranDry()
                            ? " - RAN DRY before the window's end, the rate is over the time it lasted" : " (never empty)");
            System.out.printf("  deliveries  %.0f /s (%d in %.1f s)   goal >= 5000/s: %s%n",
                    drain.perSecond(), drain.delivered(), drain.seconds(), verdict(drain.perSecond() >= 5000));
            System.out.printf("  cpu         %s%n", cpu.per(drain.delivered(), "deliveries"));
            System.out.printf("  per second  %s%n", drain.perSecondCounts().stream().map(String::valueOf)
                    .collect(Collectors.joining(" ")));
            if (subscriptions > 1) {
                // Over every subscription, those that received nothing included: starvation shows as a 0 minimum.
                LongSummaryStatistics spread = paths.stream().mapToLong(receiver::requests).summaryStatistics();
                System.out.printf("  spread      deliveries per subscription since the run began: min %d, max %d;"
                                + " %d of %d subscriptions received none%n", spread.getMin(), spread.getMax(),
                        paths.stream().filter(p -> receiver.requests(p) == 0).count(), paths.size());
            }
            System.out.printf("  service RSS peak %d MiB%n", rss.peakMiB());
            return new Throughput(label + ", cap " + cap.replace(" (default)", "") + ", "
                    + backlog.name().toLowerCase().replace('_', ' '), drain.perSecond(), rss.peakMiB());
        } finally {
            databases.drop(database);
        }
    }

    /**
     * Publishing and delivering at once: up to {@code maxEvents} within {@code maxSeconds}. Prints both rates
     * after the warm-up and returns how many events were accepted.
     */
    private static long live(BenchService service, DeliveryApi api, DeliveryReceiver receiver, int subscriptions,
                             long maxEvents, int maxSeconds) throws Exception {
        long start = System.nanoTime();
        DeliveryFlood flood = DeliveryFlood.start(api, maxEvents, PUBLISH_CLIENTS, maxSeconds);
        sleepUntil(start + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS));
        long fromCount = receiver.requests();
        long fromAccepted = flood.accepted();
        long from = System.nanoTime();
        CpuAccount.Snapshot cpuFrom = CpuAccount.snapshot(service.process.pid());
        flood.done().await(maxSeconds + 30L, TimeUnit.SECONDS);
        CpuAccount.Spent cpu = CpuAccount.between(cpuFrom, CpuAccount.snapshot(service.process.pid()));
        double seconds = (System.nanoTime() - from) / 1e9;
        long backlog = flood.accepted() * subscriptions - receiver.requests();
        System.out.printf("  live        %d events accepted (%d errors) in %.1f s from %d clients while the service"
                        + " delivers; after the %d s warm-up: %.0f events/s published, %.0f deliveries/s; backlog %d"
                        + " deliveries at the end%n",
                flood.accepted(), flood.errors(), (System.nanoTime() - start) / 1e9, PUBLISH_CLIENTS, WARMUP_SECONDS,
                (flood.accepted() - fromAccepted) / seconds, (receiver.requests() - fromCount) / seconds, backlog);
        System.out.printf("  live cpu    %s%n", cpu.per(flood.accepted() - fromAccepted, "events published"));
        return flood.accepted();
    }

    /**
     * Disables the subscriptions, publishes the events with nothing else running, then enables and recovers the
     * subscriptions. Returns how many deliveries recover queued; those the live phase left undelivered were
     * parked by disable and resumed by enable, and recover does not repeat them.
     */
    private static long prePublishAndRecover(DeliveryApi api, List<String> ids, long events, Instant since)
            throws Exception {
        for (String id : ids) {
            disable(api, id);
        }
        long start = System.nanoTime();
        DeliveryFlood flood = DeliveryFlood.start(api, events, PUBLISH_CLIENTS, MAX_PUBLISH_SECONDS);
        flood.done().await(MAX_PUBLISH_SECONDS + 30L, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        long queued = 0;
        for (String id : ids) {
            api.enable(id);
            queued += api.recover(id, since);
        }
        System.out.printf("  pre-publish %d events accepted (%d errors) with the subscriptions disabled, in %.1f s ="
                        + " %.0f events/s; enable + recover queued %d deliveries%n",
                flood.accepted(), flood.errors(), seconds, flood.accepted() / seconds, queued);
        return queued;
    }

    /**
     * Disabling parks the subscription's pending deliveries in the same statement, which can deadlock with the
     * engine claiming and settling those rows (seen as a 500 with 40P01 in the service log). A failed attempt
     * changed nothing, so it is retried a few times; the retries are printed because they are a finding.
     */
    private static void disable(DeliveryApi api, String id) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                api.disable(id);
                return;
            } catch (Exception e) {
                String reason = String.valueOf(e.getMessage());
                System.out.printf("  NOTE        disabling subscription %s failed (attempt %d): %s%n", id, attempt,
                        reason.length() > 140 ? reason.substring(0, 140) + "..." : reason);
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    private record Drain(long startBacklog, long endBacklog, boolean ranDry, long delivered, double seconds,
                         List<Long> perSecondCounts) {
        double perSecond() {
            return seconds > 0 ? delivered / seconds : Double.NaN;
        }
    }

    /**
     * Counts arrivals every 100 ms for up to {@code window} seconds. The rate is taken up to the last sample
     * at which the backlog was still non-empty, so an emptied backlog does not dilute it with idle time.
     */
    private static Drain drain(DeliveryReceiver receiver, long expected, int window) throws InterruptedException {
        long start = System.nanoTime();
        long startCount = receiver.requests();
        long lastBusyCount = startCount;
        long lastBusyAt = start;
        List<Long> perSecond = new ArrayList<>();
        long secondStartCount = startCount;
        boolean ranDry = false;
        for (int tick = 1; tick <= window * 10; tick++) {
            sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(100L * tick));
            long count = receiver.requests();
            if (tick % 10 == 0) {
                perSecond.add(count - secondStartCount);
                secondStartCount = count;
            }
            lastBusyCount = count;
            lastBusyAt = System.nanoTime();
            if (expected - count <= 0) {
                ranDry = true;
                break;
            }
        }
        return new Drain(expected - startCount, expected - receiver.requests(), ranDry, lastBusyCount - startCount,
                (lastBusyAt - start) / 1e9, perSecond);
    }

    // ---- latency ----------------------------------------------------------------------------------------

    private static void latency(Vertx vertx, DeliveryDatabases databases, String[] options) throws Exception {
        int rate = (int) longOption(options, 0, 500);
        int seconds = (int) longOption(options, 1, 20);
        Map<String, String> settings = settings(Map.of());
        System.out.printf("== deliveries-latency: 1 subscription, %d events/s for %d s, HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION=%s;"
                        + " latency = first request at the receiver - publish request sent%n",
                rate, seconds, settings.getOrDefault(PER_SUBSCRIPTION_CAP, "8 (default)"));
        String database = databases.fresh("latency");
        String path = "/latency/0";
        try (DeliveryReceiver receiver = DeliveryReceiver.start(vertx, 1, p -> Answer.OK);
             BenchService service = BenchService.start(database, settings);
             DeliveryApi api = DeliveryApi.connect(vertx, service, PUBLISH_CLIENTS);
             DeliveryRssSampler rss = new DeliveryRssSampler(vertx, service)) {
            api.subscribe(receiver.url(0, path));
            Paced paced = paced(vertx, api, receiver, rate, seconds, List.of(path), 15);
            DeliveryLatencies publishing = DeliveryLatencies.of(paced.publisher().answeredIn().values());
            System.out.printf("  publish 202 p50 %.1f ms, p99 %.1f ms%n", publishing.millis(0.50), publishing.millis(0.99));
            System.out.printf("  delivered   %d of them (%d not delivered within 15 s after the last publish)%n",
                    paced.latencies().count(), paced.latencies().missing());
            System.out.printf("  event-to-first-attempt  %s%n", paced.latencies().summary());
            System.out.printf("  goals       p50 < 20 ms: %s, p99 < 100 ms: %s%n",
                    verdict(paced.latencies().millis(0.50) < 20), verdict(paced.latencies().millis(0.99) < 100));
            System.out.printf("  service RSS peak %d MiB%n", rss.peakMiB());
        } finally {
            databases.drop(database);
        }
    }

    // ---- isolation --------------------------------------------------------------------------------------

    private static final int ISOLATION_SUBSCRIPTIONS = 100;
    private static final String HANGING = "/isolation/0";
    private static final String FAILING = "/isolation/1";

    private record Isolation(DeliveryLatencies healthy, long rssMiB) {
    }

    private static void isolation(Vertx vertx, DeliveryDatabases databases, String[] options) throws Exception {
        int rate = (int) longOption(options, 0, 20);
        int seconds = (int) longOption(options, 1, 20);
        int rounds = (int) longOption(options, 2, 2);
        System.out.printf("== deliveries-isolation: %d subscriptions, each on its own receiver port; %d events/s x %d"
                        + " = %d deliveries/s (500 events/s would be 50,000 deliveries/s, beyond 2 cores) for %d s;"
                        + " HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION=%s; %d rounds, A B then B A, so a machine that"
                        + " slows down or speeds up during the runs weighs on both sides alike%n",
                ISOLATION_SUBSCRIPTIONS, rate, ISOLATION_SUBSCRIPTIONS, rate * ISOLATION_SUBSCRIPTIONS, seconds,
                settings(Map.of()).getOrDefault(PER_SUBSCRIPTION_CAP, "8 (default)"), rounds);
        // The same 98 subscriptions count as healthy in both runs, so the two figures compare like with like.
        List<String> healthy = IntStream.range(2, ISOLATION_SUBSCRIPTIONS).mapToObj(i -> "/isolation/" + i).toList();
        List<Isolation> healthyOnly = new ArrayList<>();
        List<Isolation> withSick = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (boolean sick : round % 2 == 1 ? List.of(false, true) : List.of(true, false)) {
                if (sick) {
                    withSick.add(isolationRun(vertx, databases, "B" + round,
                            "endpoint 0 never answers, endpoint 1 answers 500",
                            Map.of(HANGING, Answer.HANG, FAILING, Answer.ERROR), healthy, rate, seconds));
                } else {
                    healthyOnly.add(isolationRun(vertx, databases, "A" + round, "all 100 endpoints answer 200",
                            Map.of(), healthy, rate, seconds));
                }
            }
        }
        List<String> perRound = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            perRound.add(String.format("%.2f", withSick.get(i).healthy().millis(0.99)
                    / healthyOnly.get(i).healthy().millis(0.99)));
        }
        DeliveryLatencies a = DeliveryLatencies.merge(healthyOnly.stream().map(Isolation::healthy).toList());
        DeliveryLatencies b = DeliveryLatencies.merge(withSick.stream().map(Isolation::healthy).toList());
        double ratio = b.millis(0.99) / a.millis(0.99);
        long rss = Stream.concat(healthyOnly.stream(), withSick.stream()).mapToLong(Isolation::rssMiB).max().orElse(0);
        System.out.printf("== isolation: healthy p99 over all rounds, B %.1f ms / A %.1f ms = %.2f   goal <= 2: %s"
                        + " (per round: %s); service RSS peak %d MiB   goal < 512 MiB: %s%n",
                b.millis(0.99), a.millis(0.99), ratio, verdict(ratio <= 2), String.join(", ", perRound), rss,
                verdict(rss < 512));
    }

    private static Isolation isolationRun(Vertx vertx, DeliveryDatabases databases, String run, String description,
                                          Map<String, Answer> sick, List<String> healthy, int rate, int seconds)
            throws Exception {
        System.out.printf("-- run %s: %s%n", run, description);
        String database = databases.fresh("isolation_" + run.toLowerCase());
        try (DeliveryReceiver receiver = DeliveryReceiver.start(vertx, ISOLATION_SUBSCRIPTIONS,
                     path -> sick.getOrDefault(path, Answer.OK));
             BenchService service = BenchService.start(database, settings(Map.of()));
             DeliveryApi api = DeliveryApi.connect(vertx, service, PUBLISH_CLIENTS);
             DeliveryRssSampler rss = new DeliveryRssSampler(vertx, service)) {
            for (int i = 0; i < ISOLATION_SUBSCRIPTIONS; i++) {
                api.subscribe(receiver.url(i, "/isolation/" + i));
            }
            Paced paced = paced(vertx, api, receiver, rate, seconds, healthy, 20);
            System.out.printf("  healthy     %d subscriptions: %d first attempts (%d not delivered within 20 s after the"
                    + " last publish)%n", healthy.size(), paced.latencies().count(), paced.latencies().missing());
            System.out.printf("  healthy event-to-first-attempt  %s%n", paced.latencies().summary());
            if (!sick.isEmpty()) {
                System.out.printf("  sick        never-answering endpoint got %d requests, 500 endpoint got %d requests%n",
                        receiver.requests(HANGING), receiver.requests(FAILING));
            }
            System.out.printf("  service RSS peak %d MiB%n", rss.peakMiB());
            return new Isolation(paced.latencies(), rss.peakMiB());
        } finally {
            databases.drop(database);
        }
    }

    // ---- shared -----------------------------------------------------------------------------------------

    private static final String PER_SUBSCRIPTION_CAP = "HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION";
    /** Publishing a warm-up's events may take the cold service this long to deliver before measuring starts. */
    private static final int MAX_WARMUP_DRAIN_SECONDS = 60;

    private record Paced(DeliveryPacedPublisher publisher, DeliveryLatencies latencies) {
    }

    /**
     * Publishes at {@code rate} for a warm-up, waits until its deliveries have reached the receiver (a fresh
     * service JVM is still compiling its hot code, and a backlog left from that would be counted against the
     * steady state), then publishes at the same rate for the measured {@code seconds} and joins each measured
     * event's send time with its first arrival on every path in {@code paths}.
     */
    private static Paced paced(Vertx vertx, DeliveryApi api, DeliveryReceiver receiver, int rate, int seconds,
                               List<String> paths, int drainSeconds) throws Exception {
        receiver.recordArrivals(true);
        DeliveryPacedPublisher warmup = DeliveryPacedPublisher.start(vertx, api, rate, 0, PACED_WARMUP_SECONDS);
        warmup.done().await(PACED_WARMUP_SECONDS + 60L, TimeUnit.SECONDS);
        long warmedAt = System.nanoTime();
        awaitArrivals(warmup.sentAt(), receiver, paths, MAX_WARMUP_DRAIN_SECONDS);
        DeliveryLatencies warm = DeliveryLatencies.join(warmup.sentAt(), receiver, paths);
        System.out.printf("  warm-up     %d s at %d events/s: %s; its last deliveries arrived %.1f s after its last"
                        + " publish%s%n", PACED_WARMUP_SECONDS, rate, warm.summary(), (System.nanoTime() - warmedAt) / 1e9,
                warm.missing() > 0 ? " (" + warm.missing() + " still missing, measuring anyway)" : "");

        DeliveryPacedPublisher publisher = DeliveryPacedPublisher.start(vertx, api, rate, 0, seconds);
        publisher.done().await(seconds + 60L, TimeUnit.SECONDS);
        awaitArrivals(publisher.sentAt(), receiver, paths, drainSeconds);
        System.out.printf("  published   %d measured events in %d s (%d errors, %d skipped)%n",
                publisher.sentAt().size(), seconds, publisher.errors(), publisher.skipped());
        return new Paced(publisher, DeliveryLatencies.join(publisher.sentAt(), receiver, paths));
    }

    /**
     * Loopback receivers are private targets, which the service refuses unless told otherwise. HOOKRELAY_*
     * variables in the bench's own environment are passed on (for trying other settings), then the scenario's.
     */
    private static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(ENVIRONMENT_SETTINGS);
        settings.putAll(extra);
        settings.put("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true");
        return settings;
    }

    private static final Map<String, String> ENVIRONMENT_SETTINGS = System.getenv().entrySet().stream()
            .filter(e -> e.getKey().startsWith("HOOKRELAY_"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

    /** Waits, at most {@code maxSeconds}, for the deliveries still on their way after the last publish. */
    private static void awaitArrivals(Map<String, Long> sentAt, DeliveryReceiver receiver, List<String> paths,
                                      int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (System.nanoTime() < deadline && !DeliveryLatencies.allArrived(sentAt, receiver, paths)) {
            Thread.sleep(250);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long longOption(String[] options, int index, long fallback) {
        return options.length > index ? Long.parseLong(options[index]) : fallback;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }
}
