package io.hookrelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Server-Sent Events client on a plain socket, so a test controls the connection exactly: it can be
 * killed mid-stream (the socket is closed, as when a process dies) and sees every byte the server sent.
 * Decodes HTTP/1.1 chunked framing and the event-stream format (id, data, comments).
 */
public final class SseClient implements AutoCloseable {

    public record Message(String id, String data) {
    }

    private final Socket socket;
    private final int status;
    private final Map<String, String> headers;
    private final String errorBody;
    private final LinkedBlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private volatile boolean ended;

    private SseClient(Socket socket, int status, Map<String, String> headers, String errorBody) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.errorBody = errorBody;
    }

    public static SseClient connect(int port, String token, String path, String lastEventId) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(60_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n");
            if (token != null) {
                request.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (lastEventId != null) {
                request.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            if (status != 200) {
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                socket.close();
                return new SseClient(socket, status, headers, body);
            }
            SseClient client = new SseClient(socket, status, headers, null);
            Thread reader = new Thread(() -> client.read(in), "sse-client");
            reader.setDaemon(true);
            reader.start();
            return client;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String errorBody() {
        return errorBody;
    }

    public int comments() {
        return comments.get();
    }

    /** The server ended or dropped the stream. */
    public boolean ended() {
        return ended;
    }

    public Message next(Duration timeout) {
        try {
            Message message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("no event within " + timeout);
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public List<Message> take(int count, Duration timeout) {
        List<Message> taken = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taken.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + taken.size() + " of " + count + " events within " + timeout + ": " + taken);
            }
            try {
                Message message = messages.poll(left, TimeUnit.NANOSECONDS);
                if (message != null) {
                    taken.add(message);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return taken;
    }

    /** Whatever arrives within the time, without failing when nothing does. */
    public List<Message> drain(Duration quiet) {
        List<Message> taken = new ArrayList<>();
        try {
            for (Message m = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS); m != null;
                 m = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) {
                taken.add(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return taken;
    }

    /** Kills the connection at once, as a crashing client would. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }

    private void read(InputStream in) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            while (true) {
                int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length < size) {
                    break;
                }
                line(in);
                text.write(chunk);
                parse(text);
            }
        } catch (IOException | RuntimeException e) {
            // the connection ended; the test sees ended()
        } finally {
            ended = true;
        }
    }

    private String pendingId;
    private StringBuilder pendingData;

    /** Consumes complete lines of the event stream. */
    private void parse(ByteArrayOutputStream text) {
        byte[] bytes = text.toByteArray();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            if (line.isEmpty()) {
                if (pendingData != null) {
                    messages.add(new Message(pendingId, pendingData.toString()));
                }
                pendingId = null;
                pendingData = null;
            } else if (line.startsWith(":")) {
                comments.incrementAndGet();
            } else if (line.startsWith("id: ")) {
                pendingId = line.substring(4);
            } else if (line.startsWith("data: ")) {
                pendingData = pendingData == null ? new StringBuilder() : pendingData.append('\n');
                pendingData.append(line.substring(6));
            }
        }
        text.reset();
        text.write(bytes, start, bytes.length - start);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("connection closed");
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
