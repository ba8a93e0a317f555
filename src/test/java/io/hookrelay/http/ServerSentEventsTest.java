package io.hookrelay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SSE framing, heartbeat and the bounded write queue, on a real Vert.x server and raw sockets. */
class ServerSentEventsTest {

    Vertx vertx;
    HttpServer server;
    final AtomicReference<ServerSentEvents> stream = new AtomicReference<>();
    final CountDownLatch opened = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/stream").handler(ctx -> {
            ServerSentEvents sse = ServerSentEvents.open(vertx, ctx.response(), java.time.Duration.ofMillis(100),
                    ServerSentEvents.DEFAULT_MAX_QUEUED_BYTES);
            sse.onClose(closed::countDown);
            sse.begin();
            stream.set(sse);
            opened.countDown();
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    Socket connect() throws Exception {
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        OutputStream out = socket.getOutputStream();
        out.write("GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertTrue(opened.await(5, TimeUnit.SECONDS));
        return socket;
    }

    @Test
    @DisplayName("frames carry id, event and data (one data line per line); heartbeats are comments; no compression")
    void framesAndHeartbeat() throws Exception {
        try (Socket socket = connect()) {
            socket.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder head = new StringBuilder();
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                head.append(line.toLowerCase()).append('\n');
            }
            assertTrue(head.toString().contains("content-type: text/event-stream"), head.toString());
            assertTrue(!head.toString().contains("content-encoding: gzip"), head.toString());
            Buffer frame = ServerSentEvents.frame("7\n8", "delivery", "{\"a\":1}\nsecond line");
            vertx.runOnContext(v -> stream.get().send(frame));
            StringBuilder body = new StringBuilder();
            int heartbeats = 0;
            while (heartbeats < 2) {
                String line = in.readLine();
                body.append(line).append('\n');
                if (line.equals(":")) {
                    heartbeats++;
                }
            }
            assertTrue(body.toString().contains("id: 7 8\nevent: delivery\ndata: {\"a\":1}\ndata: second line\n\n"),
                    body.toString());
        }
    }

    @Test
    @DisplayName("a client that stops reading is disconnected once its queue is full, instead of buffering without end")
    void slowClientDropped() throws Exception {
        try (Socket socket = connect()) {
            socket.setReceiveBufferSize(4096);
            String big = "x".repeat(64 * 1024);
            for (int i = 0; i < 400 && closed.getCount() > 0; i++) {
                Buffer frame = ServerSentEvents.frame(Integer.toString(i), "delivery", big);
                vertx.runOnContext(v -> stream.get().send(frame));
                Thread.sleep(5);
            }
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the stream gave the client up");
        }
    }

    @Test
    @DisplayName("close() ends the response so the client sees the end of the stream")
    void closeEnds() throws Exception {
        try (Socket socket = connect()) {
            socket.setSoTimeout(5000);
            vertx.runOnContext(v -> stream.get().end());
            assertTrue(closed.await(5, TimeUnit.SECONDS));
            // The connection stays open for the next request (keep-alive): read up to the last chunk.
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!received.toString().endsWith("\r\n0\r\n\r\n")) {
                int n = socket.getInputStream().read(buffer);
                assertTrue(n > 0, "the stream ended without its last chunk: " + received);
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            assertTrue(stream.get().isClosed());
        }
    }
}
