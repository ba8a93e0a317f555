package io.hookrelay.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One {@code text/event-stream} response: framing, a heartbeat comment so proxies and clients see a
 * live connection, and the bounded-write rule. A client that does not read fast enough is not buffered
 * for without end: once the response's write queue is full the connection is closed, and the client
 * resumes from the id of the last event it received. Use on the response's event loop only.
 */
public final class ServerSentEvents {

    /** What the server may hold queued for one client before giving up on it. */
    public static final int DEFAULT_MAX_QUEUED_BYTES = 256 * 1024;
    private static final Buffer HEARTBEAT = Buffer.buffer(":\n\n");

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final long heartbeatTimer;
    private Runnable onClose = () -> { };
    private boolean closed;

    private ServerSentEvents(Vertx vertx, HttpServerResponse response, Duration heartbeat, int maxQueuedBytes) {
        this.vertx = vertx;
        this.response = response;
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                // Compressing would hold events back in the compressor until a block fills.
                .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true)
                .setWriteQueueMaxSize(maxQueuedBytes);
        response.closeHandler(v -> closed());
        response.exceptionHandler(e -> closed());
        this.heartbeatTimer = vertx.setPeriodic(heartbeat.toMillis(), id -> {
            if (!closed && !response.writeQueueFull()) {
                response.write(HEARTBEAT);
            }
        });
    }

    /**
     * Sends the headers with a first comment. Callers do this once the stream's starting point is fixed,
     * so that a client that has seen the response start also sees every event written after that.
     */
    public void begin() {
        if (!closed && !response.headWritten()) {
            response.write(HEARTBEAT);
        }
    }

    public static ServerSentEvents open(Vertx vertx, HttpServerResponse response, Duration heartbeat, int maxQueuedBytes) {
        return new ServerSentEvents(vertx, response, heartbeat, maxQueuedBytes);
    }

    /** One event: {@code id:} (optional), {@code event:} (optional) and the data, one {@code data:} line per line. */
    public static Buffer frame(String id, String event, String data) {
        StringBuilder text = new StringBuilder(data.length() + 64);
        if (id != null) {
            text.append("id: ").append(singleLine(id)).append('\n');
        }
        if (event != null) {
            text.append("event: ").append(singleLine(event)).append('\n');
        }
        for (String line : data.split("\r\n|\r|\n", -1)) {
            text.append("data: ").append(line).append('\n');
        }
        text.append('\n');
        return Buffer.buffer(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Runs once when the stream ends, whoever ends it. */
    public void onClose(Runnable action) {
        this.onClose = action;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The client has not read what was sent so far; writing more now would only queue it here. */
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    /** Calls back once the client has read enough that writing may go on (or at once if it may already). */
    public void whenWritable(Runnable action) {
        if (closed) {
            return;
        }
        if (!response.writeQueueFull()) {
            action.run();
            return;
        }
        response.drainHandler(v -> {
            response.drainHandler(null);
            if (!closed) {
                action.run();
            }
        });
    }

    /**
     * Writes frames unless the client is already too far behind, in which case the connection is closed
     * (the client resumes by cursor). Answers whether the frames were written.
     */
    public boolean send(Buffer frames) {
        if (closed) {
            return false;
        }
        if (response.writeQueueFull()) {
            closeConnection();
            return false;
        }
        response.write(frames);
        return true;
    }

    /** Ends the stream cleanly (the client sees the end of the response and reconnects). */
    public void end() {
        if (!closed) {
            response.end();
            closed();
        }
    }

    /** Drops the connection without ending the response, for a client that stopped reading. */
    public void closeConnection() {
        if (!closed) {
            response.reset();
            closed();
        }
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(heartbeatTimer);
        onClose.run();
    }

    private static String singleLine(String value) {
        return value.replace('\r', ' ').replace('\n', ' ');
    }
}
