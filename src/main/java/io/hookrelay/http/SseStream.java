package io.hookrelay.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One Server-Sent Events response: framing, a heartbeat comment so idle proxies keep the connection, and a
 * bounded write queue. A client that stops reading is disconnected once its queue is full instead of
 * making the server buffer without end; it reconnects and reads what it missed from the list API.
 * {@link #send} and {@link #close} may be called from any thread.
 */
public final class SseStream {

    public static final long HEARTBEAT_MS = 15_000;
    /** Bytes written but not yet taken by the client before it counts as not reading. */
    static final int MAX_QUEUED_BYTES = 256 * 1024;

    private final Context context;
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final Runnable onClose;
    private long heartbeat;
    private boolean closed;

    private SseStream(RoutingContext ctx, Runnable onClose) {
        this.context = Vertx.currentContext();
        this.ctx = ctx;
        this.response = ctx.response();
        this.onClose = onClose;
    }

    /** Answers 200 with the stream's headers at once; call on the request's own context. */
    public static SseStream open(RoutingContext ctx, long heartbeatMs, Runnable onClose) {
        SseStream stream = new SseStream(ctx, onClose);
        stream.response.setStatusCode(200)
                .setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-store")
                // Compression would hold frames back until a deflate block fills.
                .putHeader("content-encoding", "identity")
                .putHeader("x-accel-buffering", "no")
                .setWriteQueueMaxSize(MAX_QUEUED_BYTES);
        stream.response.closeHandler(v -> stream.closed());
        stream.response.write(": connected\n\n");
        stream.heartbeat = ctx.vertx().setPeriodic(heartbeatMs, id -> stream.write(": heartbeat\n\n"));
        return stream;
    }

    /** Queues one event; {@code data} must be a single line (compact JSON is). */
    public void send(String id, String event, String data) {
        String frame = "id: " + oneLine(id) + "\nevent: " + oneLine(event) + "\ndata: " + oneLine(data) + "\n\n";
        context.runOnContext(v -> write(frame));
    }

    /** Ends the response (service shutting down); the client may reconnect elsewhere. */
    public void close() {
        context.runOnContext(v -> {
            if (!closed) {
                response.end();
                closed();
            }
        });
    }

    private void write(String frame) {
        if (closed) {
            return;
        }
        if (response.writeQueueFull()) {
            // Not reading: drop the stream rather than frames in the middle of it. Reset closes an HTTP/1.x
            // connection and only this stream of an HTTP/2 one.
            response.reset();
            closed();
            return;
        }
        response.write(frame);
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        ctx.vertx().cancelTimer(heartbeat);
        onClose.run();
    }

    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}
