package io.hookrelay.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code target/hookrelay.jar} as its own process, as an operator would, so the figures include
 * the real HTTP stack and the service's RSS can be read apart from the load generator's.
 */
final class BenchService implements AutoCloseable {

    final Process process;
    final int port;
    final String adminToken = "bench-admin-token-0123456789";

    private BenchService(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static BenchService start(String databaseUrl, Map<String, String> settings) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dataDir = Files.createTempDirectory("hookrelay-bench");
        Path log = dataDir.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(List.of("java", "-Xmx384m", "-XX:+UseParallelGC", "-jar",
                Path.of("target/hookrelay.jar").toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HOOKRELAY_"));
        builder.environment().put("HOOKRELAY_HTTP_PORT", Integer.toString(port));
        builder.environment().put("HOOKRELAY_HTTP_HOST", "127.0.0.1");
        builder.environment().put("HOOKRELAY_DATA_DIR", dataDir.toString());
        builder.environment().put("HOOKRELAY_ADMIN_TOKEN", "bench-admin-token-0123456789");
        builder.environment().put("HOOKRELAY_DATABASE_POOL_SIZE", "16");
        if (databaseUrl != null) {
            builder.environment().put("HOOKRELAY_DATABASE_URL", databaseUrl);
        }
        builder.environment().putAll(settings);
        BenchService service = new BenchService(builder.start(), port);
        service.awaitReady(log);
        return service;
    }

    private void awaitReady(Path log) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service not ready:\n" + Files.readString(log));
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Resident set size of the service process, from /proc (Linux). */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
