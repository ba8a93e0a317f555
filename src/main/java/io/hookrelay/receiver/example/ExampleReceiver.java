package io.hookrelay.receiver.example;

import com.sun.net.httpserver.HttpServer;
import io.hookrelay.receiver.WebhookDeduplicator;
import io.hookrelay.receiver.WebhookVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A runnable webhook receiver built only on the JDK: verifies, deduplicates, logs one line per
 * delivery and answers 204.
 *
 * <p>Environment: {@code RECEIVER_PORT} (default 9000), {@code RECEIVER_SECRET} (comma-separated
 * {@code whsec_} secrets), {@code RECEIVER_PUBLIC_KEY} (optional, comma-separated {@code whpk_} keys).
 */
public final class ExampleReceiver {

    public static final int DEFAULT_PORT = 9000;
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    static final int WORKER_THREADS = 4;

    // Retries of one message can be spread over days, far beyond the 5-minute timestamp tolerance, so
    // ids are remembered for longer than any retry schedule.
    private static final int DEDUPE_MAX_ENTRIES = 100_000;
    private static final Duration DEDUPE_TTL = Duration.ofDays(3);

    private ExampleReceiver() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        int port;
        WebhookVerifier verifier;
        try {
            port = parsePort(env.get("RECEIVER_PORT"));
            verifier = WebhookVerifier.builder()
                    .secrets(splitList(env.get("RECEIVER_SECRET")))
                    .publicKeys(splitList(env.get("RECEIVER_PUBLIC_KEY")))
                    .build();
        } catch (IllegalArgumentException e) {
            System.err.println("configuration error: " + e.getMessage()
                    + " (set RECEIVER_SECRET and/or RECEIVER_PUBLIC_KEY, optionally RECEIVER_PORT)");
            System.exit(2);
            return;
        }
        WebhookDeduplicator deduplicator = new WebhookDeduplicator(DEDUPE_MAX_ENTRIES, DEDUPE_TTL, Clock.systemUTC());
        HttpServer server = start(port, verifier, deduplicator, System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1), "receiver-shutdown"));
        System.out.println("receiver listening on port " + server.getAddress().getPort());
    }

    /**
     * Starts a receiver on {@code port} (0 picks a free port; read it from {@code getAddress()}).
     * Stop it with {@link HttpServer#stop(int)}; its worker threads are daemons that end when idle.
     *
     * @param log receives one line per accepted delivery
     */
    public static HttpServer start(int port, WebhookVerifier verifier, WebhookDeduplicator deduplicator,
            Consumer<String> log) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", new WebhookHandler(verifier, deduplicator, log, MAX_BODY_BYTES));
        server.setExecutor(workerPool());
        server.start();
        return server;
    }

    private static ThreadPoolExecutor workerPool() {
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "receiver-worker-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        // HttpServer.stop() does not shut its executor down; letting idle workers time out means a
        // stopped server leaves no threads behind.
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    static int parsePort(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("RECEIVER_PORT must be a port number between 0 and 65535");
        }
    }

    static List<String> splitList(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
