package io.hookrelay.bench;

import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.db.embedded.EmbeddedDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The whole path as a user runs it (bench/run-bench.sh end-to-end): a load generator process posting
 * {@code POST /v1/events} as fast as its keep-alive connections allow, the service jar started with default
 * settings as its own process, on the embedded database or on the local PostgreSQL server, delivering to 1 or
 * 16 subscriptions on a receiver process that answers 200 at once. The same load generator is first run
 * against a trivial server, so the service's rate can be read as a share of what the client and the machine
 * allow. Prints what it measured, with the targets beside the figures; it never asserts.
 *
 * <pre>EndToEndBench &lt;database-url|none&gt; [warmup-seconds=20] [measure-seconds=60] [connections=64]</pre>
 *
 * The database URL names a database on the server that this invocation may create databases beside (the
 * local-* scenarios each get one of their own, dropped after), or {@code none} to run the embedded ones only.
 * Environment: {@code E2E_SCENARIOS} (comma-separated, of embedded-1, embedded-16, local-1, local-16; default
 * all four), {@code E2E_DRAIN_MAX_SECONDS} (how long to wait after the load for the backlog to be delivered,
 * default 300).
 */
public final class EndToEndBench {

    private record Scenario(String name, boolean local, int subscriptions) {
    }

    private static final List<Scenario> SCENARIOS = List.of(new Scenario("embedded-1", false, 1),
            new Scenario("embedded-16", false, 16), new Scenario("local-1", true, 1), new Scenario("local-16", true, 16));

    /** The subscriptions' filter: a wildcard, as a user subscribing to a family of events would register it. */
    private static final List<String> EVENT_TYPES = List.of("order.*");
    /** A drain that has not advanced for this long is given up, whatever the drain limit. */
    private static final int STALL_SECONDS = 30;
    private static final Path LOGS = Path.of("target", "bench-e2e");

    /** Everything started and not yet stopped, newest last: stopped in reverse, on the normal path and on a signal. */
    private static final Deque<AutoCloseable> STARTED = new ArrayDeque<>();

    private final int warmup;
    private final int measure;
    private final int connections;
    private final int drainMax;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient control = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> summary = new ArrayList<>();
    private double trivialRate = Double.NaN;

    private EndToEndBench(int warmup, int measure, int connections, int drainMax) {
        this.warmup = warmup;
        this.measure = measure;
        this.connections = connections;
        this.drainMax = drainMax;
    }

    public static void main(String[] args) throws Exception {
        String server = args.length > 0 && !args[0].equals("none") ? args[0] : null;
        int warmup = intArgument(args, 1, 20, 0);
        int measure = intArgument(args, 2, 60, 1);
        int connections = intArgument(args, 3, 64, 1);
        int drainMax = Integer.parseInt(System.getenv().getOrDefault("E2E_DRAIN_MAX_SECONDS", "300"));
        List<Scenario> chosen;
        try {
            chosen = chosen(System.getenv().getOrDefault("E2E_SCENARIOS", ""));
        } catch (IllegalArgumentException e) {
            System.err.println("E2E_SCENARIOS: " + e.getMessage());
            System.exit(2);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean running;
            synchronized (STARTED) {
                running = !STARTED.isEmpty();
            }
            if (running) {
                System.out.println("== interrupted: stopping the processes and databases this run started");
            }
            stopAll();
        }, "stop-e2e-processes"));
        BenchService.deleteTree(LOGS);
        EndToEndBench bench = new EndToEndBench(warmup, measure, connections, drainMax);
        boolean failed = false;
        try (DeliveryDatabases databases = DeliveryDatabases.on(server == null ? "embedded" : server)) {
            System.out.printf("== end-to-end: %d cores, load average %s; %d keep-alive connections, %d s warm-up + %d s"
                            + " measured; scenarios %s; up to %d s to drain after the load%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage(), connections, warmup, measure,
                    chosen.stream().map(Scenario::name).collect(Collectors.joining(", ")), drainMax);
            try {
                bench.trivial();
            } catch (Exception e) {
                failed = true;
                System.out.println("  FAILED      " + e.getMessage());
            } finally {
                stopAll();
                leftovers();
            }
            for (Scenario scenario : chosen) {
                try {
                    bench.scenario(scenario, server == null ? null : databases);
                } catch (Exception e) {
                    failed = true;
                    System.out.println("  FAILED      " + e.getMessage().replace("\n", "\n              "));
                    bench.summary.add(String.format("  %-12s FAILED: %s", scenario.name(), e.getMessage().lines()
                            .findFirst().orElse("")));
                } finally {
                    stopAll();
                    leftovers();
                }
            }
        } finally {
            stopAll();
            bench.vertx.close().await(30, TimeUnit.SECONDS);
        }
        bench.printSummary();
        System.out.printf("   logs of every process: %s; load average now %s%n", LOGS.toAbsolutePath(), loadAverage());
        System.out.flush();
        System.exit(failed ? 1 : 0);
    }

    // ---- the trivial server ---------------------------------------------------------------------------

    private void trivial() throws Exception {
        System.out.printf("== trivial server: Vert.x HTTP server in its own JVM, one instance per core, answering POST"
                        + " /v1/events with 202 and a small fixed JSON body; the same load generator, %d connections,"
                        + " the same body%n", connections);
        BenchProcess server = tool("trivial-server", LOGS.resolve("trivial"), EndToEndTrivialServer.class, List.of());
        int port = Integer.parseInt(server.await("READY", 60));
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("trivial server", server.pid());
        LoadRun run = load(LOGS.resolve("trivial"), port, null, pids, -1, null);
        trivialRate = run.acceptedPerSecond();
        System.out.printf("  accepted    %s requests/s in the window (%s; over the whole run statuses %s, %d failed)%n",
                count(trivialRate),
                count(run.acceptedInWindow()), run.result().getJsonObject("statuses").encode(),
                run.result().getLong("failed"));
        System.out.printf("  answer      202 p50 %s, p99 %s%n", withUnit(run.result().getDouble("answer_p50_ms")),
                withUnit(run.result().getDouble("answer_p99_ms")));
        System.out.printf("  cpu         µs per request: %s%n", run.cpu().perUnit(run.acceptedInWindow()));
        System.out.printf("  machine     %s%n", run.cpu().machine());
        server.close();
        summary.add(String.format("  %-12s %,9.0f events/s from the load generator with nothing behind the HTTP server",
                "trivial", trivialRate));
    }

    // ---- a scenario -----------------------------------------------------------------------------------

    private void scenario(Scenario scenario, DeliveryDatabases databases) throws Exception {
        int subs = scenario.subscriptions();
        System.out.printf("== end-to-end %s: %s, %d subscription%s (event_types %s, %s), %d connections,"
                        + " %d s warm-up + %d s measured%n", scenario.name(),
                scenario.local() ? "the local PostgreSQL server" : "the embedded database (the jar's default)", subs,
                subs == 1 ? "" : "s", EVENT_TYPES,
                trying().isEmpty() ? "default settings" : "NOT default settings, trying " + trying(), connections, warmup, measure);
        if (scenario.local() && databases == null) {
            System.out.println("  SKIPPED     no PostgreSQL server was given (run-bench.sh looks on 127.0.0.1:5432)");
            summary.add(String.format("  %-12s skipped: no local PostgreSQL server", scenario.name()));
            return;
        }
        Path logs = LOGS.resolve(scenario.name());
        String database = scenario.local() ? databases.fresh("e2e_" + scenario.name().replace('-', '_')) : null;
        if (database != null) {
            started(() -> databases.drop(database));
        }
        BenchProcess receiver = tool("receiver", logs, EndToEndReceiver.class, List.of());
        String[] ports = receiver.await("READY", 60).split(" ");
        String hooks = "http://127.0.0.1:" + ports[0] + EndToEndReceiver.PATH;
        URI controlUri = URI.create("http://127.0.0.1:" + ports[1]);

        BenchService service = started(BenchService.startAsUser(database, trying()));
        service.keepLogAt(logs.resolve("service.log"));
        remember("service", service.process.pid(), "hookrelay.jar");
        remember("dir", service.dataDir.toString(), "");
        long postmaster = scenario.local() ? localPostmaster(database) : service.embeddedPostmasterPid();
        if (!scenario.local() && postmaster > 0) {
            remember("postgres", postmaster, service.dataDir.toString());
        }
        String databaseName = scenario.local() ? DatabaseUrl.parse(database).database() : EmbeddedDatabase.DATABASE;
        System.out.printf("  service     %s (pid %d) with %s; PostgreSQL postmaster pid %s, database %s%n",
                String.join(" ", service.command).replace(Path.of("").toAbsolutePath() + "/", ""),
                service.process.pid(), settingsShown(service.settings), postmaster > 0 ? postmaster : "unknown",
                databaseName);
        DeliveryRssSampler rss = started(new DeliveryRssSampler(vertx, service));

        String key;
        try (DeliveryApi api = DeliveryApi.connect(vertx, service, 2)) {
            for (int i = 0; i < subs; i++) {
                api.subscribe(hooks + i, EVENT_TYPES);
            }
            key = api.key();
        }

        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("service", service.process.pid());
        pids.put("receiver", receiver.pid());
        LoadRun run = load(logs, service.port, key, pids, postmaster, scenario.local() ? databaseName : null);
        JsonObject result = run.result();
        long expectedTotal = result.getLong("accepted_total") * subs;
        Drain drain = drain(controlUri, expectedTotal, run.to());
        long windowExpected = result.getLong("accepted_sent_in_window") * subs;
        JsonObject arrivals = get(controlUri, "/summary?from=" + run.from() + "&to=" + run.to()
                + "&expected=" + windowExpected);
        long rssPeak = rss.peakMiB();
        rss.close();

        double accepted = run.acceptedPerSecond();
        long deliveredInWindow = arrivals.getLong("before_to") - arrivals.getLong("before_from");
        double delivered = deliveredInWindow / (double) measure;
        long backlogFrom = Math.max(0, result.getLong("accepted_before_from") * subs - arrivals.getLong("before_from"));
        long backlogTo = Math.max(0, result.getLong("accepted_before_to") * subs - arrivals.getLong("before_to"));
        boolean keptUp = backlogTo <= Math.max(delivered, connections * subs);
        JsonObject status = arrivals.getJsonObject("status");

        System.out.printf("  accepted    %s events/s in the window (%s; over the whole run statuses %s, %d failed%s)%n",
                count(accepted),
                count(run.acceptedInWindow()), result.getJsonObject("statuses").encode(), result.getLong("failed"),
                result.getString("first_failure") == null ? "" : ", first: " + result.getString("first_failure"));
        System.out.printf("  answer      202 p50 %s, p99 %s, max %s%n", withUnit(result.getDouble("answer_p50_ms")),
                withUnit(result.getDouble("answer_p99_ms")), withUnit(result.getDouble("answer_max_ms")));
        System.out.printf("  deliveries  %s /s in the window (%s first arrivals%s)%n", count(delivered),
                count(deliveredInWindow), subs == 1 ? "" : ", summed over the " + subs + " subscriptions");
        System.out.printf("  backlog     %s deliveries outstanding at the window's start, %s at its end: %s%n",
                count(backlogFrom), count(backlogTo), keptUp ? "deliveries kept up"
                        : String.format("deliveries fell behind, by %s /s over the window",
                        count((backlogTo - backlogFrom) / (double) measure)));
        System.out.printf("  drain       %s%n", drain.describe(expectedTotal));
        System.out.printf("  duplicates  %d (a second arrival of an event at the same subscription); %d arrivals not"
                        + " matched to an accepted event%s%n", status.getLong("duplicates"),
                Math.max(0, status.getLong("unique") - expectedTotal),
                status.getLong("unreadable") > 0 ? "; " + status.getLong("unreadable") + " unreadable requests" : "");
        if (subs > 1) {
            List<Long> per = arrivals.getJsonArray("per_subscription").stream().map(v -> ((Number) v).longValue())
                    .limit(subs).toList();
            System.out.printf("  spread      first arrivals per subscription over the run: min %s, max %s%n",
                    count(per.stream().mapToLong(Long::longValue).min().orElse(0)),
                    count(per.stream().mapToLong(Long::longValue).max().orElse(0)));
        }
        JsonObject fromSend = arrivals.getJsonObject("from_send");
        JsonObject fromStamp = arrivals.getJsonObject("from_timestamp");
        System.out.printf("  latency     event-to-delivery, from the load generator's send time (wall clock µs, carried in"
                        + " the event's data as sent_at_us) to the receiver's arrival (wall clock µs, when the request's"
                        + " headers arrived), both processes on this machine; over the %s deliveries of events sent in"
                        + " the window%s: %s%n", count(windowExpected),
                fromSend.getLong("missing") > 0 ? ", " + count(fromSend.getLong("missing")) + " of which never arrived"
                        + " (counted as slower than all; a percentile among them shows as 'not reached')" : "",
                latencies(fromSend));
        System.out.printf("  latency     from the event's timestamp (its created_at, ms) to the arrival: %s%n",
                latencies(fromStamp));
        System.out.printf("  cpu         µs per event accepted in the window: %s%n", run.cpu().perUnit(run.acceptedInWindow()));
        if (subs > 1) {
            System.out.printf("  cpu         µs per delivery in the window: %s%n", run.cpu().perUnit(deliveredInWindow));
        }
        System.out.printf("  machine     %s%n", run.cpu().machine());
        System.out.printf("  rss         service peak %d MiB (VmRSS every 250 ms from ready to the end of the drain)%n",
                rssPeak);
        System.out.printf("  per second  accepted  %s%n", joined(result.getJsonArray("accepted_per_second")));
        System.out.printf("  per second  delivered %s%n", joined(arrivals.getJsonArray("per_second")));

        // An end-to-end rate is what the service both takes and delivers: the lower of the two.
        double endToEnd = Math.min(accepted, delivered / subs);
        double ratio = endToEnd / trivialRate;
        boolean rssMet = rssPeak < 512;
        String targets;
        if (subs == 1) {
            targets = String.format("end to end %s events/s = %s x the trivial server's %s (target >= 0.35 x: %s);"
                            + " service RSS %d MiB (target < 512 MiB: %s)", count(endToEnd), ratio(ratio), count(trivialRate),
                    verdict(ratio >= 0.35, trivialRate), rssPeak, verdict(rssMet, 1));
        } else {
            targets = String.format("%s deliveries/s while publishing (target >= 8,000/s: %s); end to end %s events/s"
                            + " = %s x the trivial server's %s (no target); service RSS %d MiB (target < 512 MiB: %s)",
                    count(delivered), verdict(delivered >= 8000, 1), count(endToEnd), ratio(ratio), count(trivialRate),
                    rssPeak, verdict(rssMet, 1));
        }
        System.out.printf("  targets     %s%n", targets);
        System.out.printf("  ingest      events accepted/s = %s x the trivial server's rate (deliveries aside)%n",
                ratio(accepted / trivialRate));
        System.out.printf("  service log %s%n", logFindings(service));

        summary.add(String.format("  %-12s %,9.0f ev/s accepted, %,9.0f deliveries/s, e2e %s x trivial; backlog at end %s,"
                        + " %s; latency p50 %s, p99 %s; service %s µs/event, PostgreSQL %s µs/event; RSS %d MiB",
                scenario.name(), accepted, delivered, ratio(ratio), count(backlogTo), drain.brief(),
                withUnit(fromSend.getDouble("p50_ms")), withUnit(fromSend.getDouble("p99_ms")), run.cpu().microsPer("service", run.acceptedInWindow()),
                run.cpu().microsPer("PostgreSQL", run.acceptedInWindow()), rssPeak));
    }

    // ---- the load -------------------------------------------------------------------------------------

    private record LoadRun(long from, long to, JsonObject result, Cpu.Spent cpu, int measure) {
        long acceptedInWindow() {
            return result.getLong("accepted_before_to") - result.getLong("accepted_before_from");
        }

        double acceptedPerSecond() {
            return acceptedInWindow() / (double) measure;
        }
    }

    /**
     * Runs the load generator against {@code port} for the warm-up and the window, reading the CPU of the given
     * processes (and of the PostgreSQL server, if any) at the window's two ends.
     */
    private LoadRun load(Path logs, int port, String key, Map<String, Long> pids, long postmaster, String database)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(Integer.toString(port), Integer.toString(connections),
                Integer.toString(warmup), Integer.toString(measure)));
        if (key != null) {
            args.add(key);
        }
        BenchProcess load = tool("load", logs, EndToEndLoad.class, args);
        String[] window = load.await("WINDOW", 60).split(" ");
        long from = Long.parseLong(window[1]);
        long to = Long.parseLong(window[2]);
        Map<String, Long> all = new LinkedHashMap<>(pids);
        all.put("load generator", load.pid());
        Cpu cpu = new Cpu(all, postmaster, database);
        sleepUntilMicros(from);
        Cpu.Snapshot start = cpu.snapshot();
        sleepUntilMicros(to);
        Cpu.Snapshot end = cpu.snapshot();
        JsonObject result = new JsonObject(load.await("RESULT", 120));
        load.close();
        return new LoadRun(from, to, result, cpu.between(start, end), measure);
    }

    // ---- the drain ------------------------------------------------------------------------------------

    private record Drain(boolean drained, boolean stalled, long delivered, double afterLoadSeconds, double waitedSeconds,
                         double recentRate, double recentSeconds) {
        String describe(long expected) {
            if (drained) {
                return String.format("every one of the %s deliveries arrived; the last %.1f s after the load stopped",
                        count(expected), afterLoadSeconds);
            }
            return String.format("NOT drained: %s of %s deliveries still missing after waiting %.0f s%s (draining at %s /s"
                            + " over the last %.0f s%s)", count(expected - delivered), count(expected), waitedSeconds,
                    stalled ? ", no progress for " + STALL_SECONDS + " s" : "", count(recentRate), recentSeconds,
                    recentRate > 0 ? String.format(", about %.0f s more at that rate", (expected - delivered) / recentRate) : "");
        }

        String brief() {
            return drained ? String.format("drained %.1f s after the load", afterLoadSeconds)
                    : String.format("NOT drained after %.0f s", waitedSeconds);
        }
    }

    /** Waits for the receiver to have every delivery of the accepted events, at most the drain limit. */
    private Drain drain(URI receiver, long expected, long loadStoppedMicros) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(drainMax);
        Deque<long[]> history = new ArrayDeque<>();
        long lastCount = -1;
        long lastProgress = start;
        while (true) {
            JsonObject status = get(receiver, "/status");
            long unique = status.getLong("unique");
            long now = System.nanoTime();
            history.addLast(new long[] {now, unique});
            while (now - history.peekFirst()[0] > TimeUnit.SECONDS.toNanos(10)) {
                history.removeFirst();
            }
            double waited = (now - start) / 1e9;
            if (unique >= expected) {
                double after = Math.max(0, (status.getLong("last_unique_us") - loadStoppedMicros) / 1e6);
                return new Drain(true, false, unique, after, waited, 0, 0);
            }
            if (unique != lastCount) {
                lastCount = unique;
                lastProgress = now;
            }
            boolean stalled = now - lastProgress > TimeUnit.SECONDS.toNanos(STALL_SECONDS);
            if (stalled || now > deadline) {
                long[] oldest = history.peekFirst();
                double span = (now - oldest[0]) / 1e9;
                return new Drain(false, stalled, unique, Double.NaN, waited, span > 0 ? (unique - oldest[1]) / span : 0,
                        span);
            }
            Thread.sleep(250);
        }
    }

    // ---- CPU ------------------------------------------------------------------------------------------

    /** The CPU of the bench's processes and of one PostgreSQL server, read from /proc at two moments. */
    private static final class Cpu {

        record Snapshot(Map<String, Long> ticks, long[] machine) {
        }

        record Spent(Map<String, Double> seconds, double busy, double total, boolean sharedServer) {

            String perUnit(long units) {
                return seconds.entrySet().stream()
                        .map(e -> e.getKey() + " " + micros(e.getValue(), units))
                        .collect(Collectors.joining(", "));
            }

            String microsPer(String name, long units) {
                Double value = seconds.get(name);
                return value == null ? "n/a" : micros(value, units);
            }

            String machine() {
                double tracked = seconds.entrySet().stream().filter(e -> !e.getKey().contains("of which"))
                        .mapToDouble(Map.Entry::getValue).sum();
                return String.format("%.1f of %.1f core-seconds busy in the window; %.1f of them outside the processes"
                        + " above (the coordinator, the rest of the machine)%s", busy, total, Math.max(0, busy - tracked),
                        sharedServer ? "; PostgreSQL is the whole server, which other work on the machine may use too,"
                                + " and its part in this run's database's backends is shown apart" : "");
            }

            private static String micros(double secondsSpent, long units) {
                return units <= 0 ? "n/a" : String.format("%.0f", secondsSpent * 1e6 / units);
            }
        }

        private final Map<String, Long> pids;
        private final long postmaster;
        private final String database;

        Cpu(Map<String, Long> pids, long postmaster, String database) {
            this.pids = pids;
            this.postmaster = postmaster;
            this.database = database;
        }

        Snapshot snapshot() {
            Map<String, Long> ticks = new LinkedHashMap<>();
            pids.forEach((name, pid) -> ticks.put(name, CpuAccount.processTicks(pid)));
            if (postmaster > 0) {
                ticks.put("PostgreSQL", CpuAccount.postgresServerTicks(postmaster));
                if (database != null) {
                    ticks.put("of which this run's database's backends", CpuAccount.postgresDatabaseTicks(postmaster, database));
                }
            }
            return new Snapshot(ticks, CpuAccount.machineTicks());
        }

        Spent between(Snapshot from, Snapshot to) {
            Map<String, Double> seconds = new LinkedHashMap<>();
            from.ticks().forEach((name, ticks) -> seconds.put(name, CpuAccount.seconds(to.ticks().get(name) - ticks)));
            return new Spent(seconds, CpuAccount.seconds(to.machine()[0] - from.machine()[0]),
                    CpuAccount.seconds(to.machine()[1] - from.machine()[1]), database != null);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** The local server's postmaster, from the postmaster.pid in its data directory; -1 if that cannot be read. */
    static long localPostmaster(String databaseUrl) {
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW data_directory")) {
            rows.next();
            return Long.parseLong(Files.readAllLines(Path.of(rows.getString(1), "postmaster.pid")).get(0).trim());
        } catch (Exception e) {
            System.out.println("  NOTE        cannot find the server's postmaster (" + e.getMessage()
                    + "); its CPU is not counted");
            return -1;
        }
    }

    /**
     * E2E_TRY="HOOKRELAY_A=1 HOOKRELAY_B=2": settings to try instead of the defaults, shown on the service line of
     * every scenario (a figure measured so is not one of default settings).
     */
    private static Map<String, String> trying() {
        Map<String, String> settings = new java.util.TreeMap<>();
        for (String pair : System.getenv().getOrDefault("E2E_TRY", "").trim().split("\\s+")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.startsWith("HOOKRELAY_")) {
                throw new IllegalArgumentException("E2E_TRY takes HOOKRELAY_NAME=value pairs, not: " + pair);
            }
            settings.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return settings;
    }

    private static String settingsShown(Map<String, String> settings) {
        return settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + switch (e.getKey()) {
                    case "HOOKRELAY_ADMIN_TOKEN" -> "(set)";
                    case "HOOKRELAY_DATA_DIR" -> "(a temporary directory)";
                    default -> e.getValue();
                })
                .collect(Collectors.joining(" "));
    }

    /** Warnings and errors the service logged during the scenario: a bench that hides them would hide bugs. */
    private static String logFindings(BenchService service) {
        try {
            List<String> lines = Files.readAllLines(service.dataDir.resolve("service.log"));
            List<String> findings = lines.stream().filter(l -> l.contains(" WARNING ") || l.contains(" SEVERE "))
                    .toList();
            if (findings.isEmpty()) {
                return "no warnings or errors";
            }
            Map<String, Long> distinct = findings.stream().collect(Collectors.groupingBy(
                    l -> abbreviate(l.replaceFirst("^\\S+\\s+", ""), 160), LinkedHashMap::new, Collectors.counting()));
            return findings.size() + " warnings/errors; " + distinct.entrySet().stream().limit(5)
                    .map(e -> e.getValue() + " x " + e.getKey()).collect(Collectors.joining("; "));
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private JsonObject get(URI base, String path) throws Exception {
        HttpResponse<String> response = control.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("receiver " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    private void printSummary() {
        System.out.printf("== summary (targets: 1 subscription end to end >= 0.35 x trivial; 16 subscriptions >= 8,000"
                + " deliveries/s while publishing; service RSS < 512 MiB)%n");
        summary.forEach(System.out::println);
    }

    /** After a scenario nothing it started may still run; what does is named, so a leak is seen, and stopped. */
    private static void leftovers() {
        List<ProcessHandle> running = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        if (running.isEmpty()) {
            return;
        }
        System.out.println("  LEFTOVER    still running after the scenario, now stopped: " + running.stream()
                .map(p -> p.pid() + " " + p.info().command().orElse("?")).collect(Collectors.joining(", ")));
        running.forEach(ProcessHandle::destroy);
        running.forEach(p -> p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join());
        running.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static BenchProcess tool(String name, Path logs, Class<?> main, List<String> args) throws IOException {
        BenchProcess process = started(BenchProcess.start(name, logs, main, args));
        remember("tool", process.pid(), main.getName());
        return process;
    }

    private static void remember(String kind, long pid, String marker) throws IOException {
        remember(kind, Long.toString(pid), marker);
    }

    /**
     * Lists a process (or the service's data directory) in target/bench-e2e/started, with a marker its command
     * line holds, so that run-bench.sh can stop what a coordinator killed outright (SIGKILL) left behind: the
     * service, and the embedded PostgreSQL, which runs detached from it, outlive it. A pid whose command line no
     * longer holds the marker belongs to someone else and is left alone.
     */
    private static void remember(String kind, String what, String marker) throws IOException {
        Files.createDirectories(LOGS);
        Files.writeString(LOGS.resolve("started"), kind + " " + what + " " + marker + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static <T extends AutoCloseable> T started(T resource) {
        synchronized (STARTED) {
            STARTED.addLast(resource);
        }
        return resource;
    }

    /** Stops, newest first, everything still running; a failure to stop one does not keep the others running. */
    private static void stopAll() {
        while (true) {
            AutoCloseable next;
            synchronized (STARTED) {
                next = STARTED.pollLast();
            }
            if (next == null) {
                return;
            }
            try {
                next.close();
            } catch (Exception e) {
                System.err.println("could not stop " + next + ": " + e);
            }
        }
    }

    private static List<Scenario> chosen(String names) {
        if (names.isBlank()) {
            return SCENARIOS;
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            Scenario scenario = SCENARIOS.stream().filter(s -> s.name().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + name.trim() + "'; known: "
                            + SCENARIOS.stream().map(Scenario::name).collect(Collectors.joining(", "))));
            chosen.add(scenario);
        }
        return chosen;
    }

    private static int intArgument(String[] args, int index, int fallback, int min) {
        int value = args.length > index ? Integer.parseInt(args[index]) : fallback;
        if (value < min) {
            throw new IllegalArgumentException("argument " + index + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    private static void sleepUntilMicros(long wallMicros) throws InterruptedException {
        long left;
        while ((left = wallMicros - WallClock.micros()) > 0) {
            Thread.sleep(Math.max(1, left / 1000));
        }
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String latencies(JsonObject l) {
        return String.format(Locale.ROOT, "p50 %s, p90 %s, p99 %s, max %s", withUnit(l.getDouble("p50_ms")),
                withUnit(l.getDouble("p90_ms")), withUnit(l.getDouble("p99_ms")), withUnit(l.getDouble("max_ms")));
    }

    private static String withUnit(Double millis) {
        return millis == null ? "not reached" : ms(millis) + " ms";
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : value < 1000 ? "%.1f" : "%,.0f", value);
    }

    private static String ratio(double value) {
        return !Double.isFinite(value) ? "n/a" : String.format(Locale.ROOT, value < 0.1 ? "%.3f" : "%.2f", value);
    }

    private static String count(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "n/a";
    }

    private static String joined(JsonArray values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    private static String verdict(boolean met, double against) {
        return Double.isFinite(against) ? (met ? "met" : "MISSED") : "n/a";
    }
}
