package io.hookrelay.dashboard;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a Server-Sent Events response line by line on a thread of its own, as a browser's fetch() would. */
final class EventStreamClient implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    final int status;
    final String contentType;
    final String body;
    final List<String> lines = new CopyOnWriteArrayList<>();
    volatile boolean ended;
    private final Thread reader;
    private final Stream<String> stream;

    private EventStreamClient(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("content-type").orElse("");
        if (status != 200) {
            this.body = String.join("\n", response.body().toList());
            this.stream = null;
            this.reader = null;
            return;
        }
        this.body = null;
        this.stream = response.body();
        this.reader = new Thread(() -> {
            try {
                stream.forEach(lines::add);
            } catch (RuntimeException closed) {
                // the test closed the stream, or the server ended it
            }
            ended = true;
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static EventStreamClient open(int port, String token, String query) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/deliveries/stream" + query))
                .header("accept", "text/event-stream").GET();
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        CompletableFuture<HttpResponse<Stream<String>>> response = CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        return new EventStreamClient(response.get(10, TimeUnit.SECONDS));
    }

    /** The JSON of every {@code delivery} event received so far. */
    List<JsonObject> outcomes() {
        List<JsonObject> outcomes = new ArrayList<>();
        String event = null;
        for (String line : lines) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && "delivery".equals(event)) {
                outcomes.add(new JsonObject(line.substring(6)));
            } else if (line.isEmpty()) {
                event = null;
            }
        }
        return outcomes;
    }

    void awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
    }
}
