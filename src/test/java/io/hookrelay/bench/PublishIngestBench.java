package io.hookrelay.bench;

import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.db.embedded.EmbeddedDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishing alone, as a user runs it: the jar started with the user's settings and delivery switched off
 * ({@code HOOKRELAY_DELIVERY_ENABLED=false}, so only publishing spends CPU), the end-to-end load generator as a
 * process of its own posting {@code POST /v1/events} and then {@code POST /v1/events/batch}, and before both the
 * same generator against the trivial server, the baseline of the same run. Prints events/s, the answer's
 * p50/p99 and the CPU each event cost the service, the run's PostgreSQL backends and the load generator.
 *
 * <pre>PublishIngestBench &lt;database-url|none&gt; [warmup-s=20] [measure-s=30] [connections=64] [batch=100]</pre>
 *
 * A warm-up of 0 measures from the first request after the service is ready, so the per-second rates show how
 * long the freshly started JVM takes to reach its warm rate.
 */
public final class PublishIngestBench {

    private static final Path LOGS = Path.of("target", "bench-publish");

    public static void main(String[] args) throws Exception {
        String database = args.length > 0 && !args[0].equals("none") ? args[0] : null;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int measure = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        Files.createDirectories(LOGS);
        System.out.printf("== publishing alone: %d cores, %d connections, %d s warm-up + %d s measured, batches of %d,"
                        + " database %s%n", Runtime.getRuntime().availableProcessors(), connections, warmup, measure, batch,
                database == null ? "embedded (the jar's default)" : "the local server");

        double trivial;
        try (BenchProcess server = BenchProcess.start("trivial", LOGS, EndToEndTrivialServer.class, List.of())) {
            int port = Integer.parseInt(server.await("READY", 60).trim());
            JsonObject result = run(port, connections, warmup, measure, null, 0, List.of(server.pid()), -1, null);
            trivial = result.getDouble("rate");
            System.out.printf("  trivial     %,.0f requests/s (POST /v1/events answered 202 by a server with no work),"
                    + " load generator %.0f µs per request%n", trivial, result.getDouble("load_us"));
        }

        try (BenchService service = BenchService.startAsUser(database, "HOOKRELAY_DELIVERY_ENABLED", "false")) {
            service.keepLogAt(LOGS.resolve("service.log"));
            long postmaster = database == null ? service.embeddedPostmasterPid() : EndToEndBench.localPostmaster(database);
            String databaseName = database == null ? EmbeddedDatabase.DATABASE : DatabaseUrl.parse(database).database();
            String key = apiKey(service);
            for (int size : new int[] {0, batch}) {
                JsonObject result = run(service.port, connections, warmup, measure, key, size, List.of(service.process.pid()),
                        postmaster, databaseName);
                System.out.printf("  %-11s %,.0f events/s = %.3f x trivial; answer p50 %.1f ms, p99 %.1f ms; µs per event:"
                                + " service %.0f, PostgreSQL %.0f, load generator %.0f; statuses %s%n",
                        size == 0 ? "one each" : "batch " + size, result.getDouble("rate"), result.getDouble("rate") / trivial,
                        result.getDouble("p50"), result.getDouble("p99"), result.getDouble("service_us"),
                        result.getDouble("postgres_us"), result.getDouble("load_us"), result.getJsonObject("statuses"));
                // With no warm-up (first argument 0) this is the curve of a fresh start: the JIT at work.
                System.out.printf("  per second  %s%n", result.getJsonArray("per_second").stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(" ")));
            }
            System.out.printf("  rss         service %d MiB at the end%n", service.rssBytes() / (1024 * 1024));
        }
    }

    /** One load run; CPU read from /proc at the measured window's two ends. */
    private static JsonObject run(int port, int connections, int warmup, int measure, String key, int batch,
                                  List<Long> service, long postmaster, String database) throws Exception {
        List<String> args = new ArrayList<>(List.of(Integer.toString(port), Integer.toString(connections),
                Integer.toString(warmup), Integer.toString(measure), key == null ? "" : key, Integer.toString(batch)));
        try (BenchProcess load = BenchProcess.start("load", LOGS, EndToEndLoad.class, args)) {
            String[] window = load.await("WINDOW", 60).trim().split(" ");
            long from = Long.parseLong(window[1]);
            long to = Long.parseLong(window[2]);
            sleepUntil(from);
            long[] start = ticks(service, load.pid(), postmaster, database);
            sleepUntil(to);
            long[] end = ticks(service, load.pid(), postmaster, database);
            JsonObject result = new JsonObject(load.await("RESULT", 120));
            double events = result.getLong("accepted_before_to") - result.getLong("accepted_before_from");
            return new JsonObject()
                    .put("rate", events / measure)
                    .put("p50", result.getDouble("answer_p50_ms", Double.NaN))
                    .put("p99", result.getDouble("answer_p99_ms", Double.NaN))
                    .put("statuses", result.getJsonObject("statuses"))
                    .put("per_second", result.getJsonArray("accepted_per_second"))
                    .put("service_us", micros(end[0] - start[0], events))
                    .put("load_us", micros(end[1] - start[1], events))
                    .put("postgres_us", micros(end[2] - start[2], events));
        }
    }

    private static long[] ticks(List<Long> service, long load, long postmaster, String database) {
        long own = 0;
        for (long pid : service) {
            own += CpuAccount.processTicks(pid);
        }
        long postgres = postmaster > 0 && database != null ? CpuAccount.postgresDatabaseTicks(postmaster, database) : 0;
        return new long[] {own, CpuAccount.processTicks(load), postgres};
    }

    private static double micros(long ticks, double events) {
        return events == 0 ? Double.NaN : CpuAccount.seconds(ticks) * 1e6 / events;
    }

    private static void sleepUntil(long wallMicros) throws InterruptedException {
        long wait = wallMicros - WallClock.micros();
        if (wait > 0) {
            TimeUnit.MICROSECONDS.sleep(wait);
        }
    }

    private static String apiKey(BenchService service) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(service.port));
            return PublishBench.apiKey(http, service.adminToken).await(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
