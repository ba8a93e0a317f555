package io.hookrelay.receiver.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.hookrelay.receiver.VerifiedWebhook;
import io.hookrelay.receiver.WebhookDeduplicator;
import io.hookrelay.receiver.WebhookVerificationException;
import io.hookrelay.receiver.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Handles one delivery: size cap, verification, deduplication, one log line, 204. */
final class WebhookHandler implements HttpHandler {

    static final long DRAIN_LIMIT_BYTES = 16L * 1024 * 1024;

    private final WebhookVerifier verifier;
    private final WebhookDeduplicator deduplicator;
    private final Consumer<String> log;
    private final int maxBodyBytes;

    WebhookHandler(WebhookVerifier verifier, WebhookDeduplicator deduplicator, Consumer<String> log,
            int maxBodyBytes) {
        this.verifier = verifier;
        this.deduplicator = deduplicator;
        this.log = log;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            respond(exchange);
        } catch (RuntimeException e) {
            log.accept("receiver error: " + e);
            if (exchange.getResponseCode() == -1) {
                sendText(exchange, 500, "internal error");
            }
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            sendText(exchange, 405, "only POST is accepted");
            return;
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            exchange.getResponseHeaders().set("Connection", "close");
            sendText(exchange, 413, "body larger than " + maxBodyBytes + " bytes");
            return;
        }
        VerifiedWebhook webhook;
        try {
            // HttpExchange headers are case-insensitive, as the verifier's lookup contract requires.
            webhook = verifier.verify(exchange.getRequestHeaders()::getFirst, body);
        } catch (WebhookVerificationException e) {
            sendText(exchange, 400, e.reason() + ": " + e.getMessage());
            return;
        }
        // Deduplicate only after verification so forged requests cannot occupy or evict real ids.
        boolean duplicate = !deduplicator.firstTime(webhook.id());
        log.accept("webhook id=" + printable(webhook.id()) + " type=" + printable(webhook.event().type())
                + " duplicate=" + duplicate);
        // A duplicate still gets 2xx: the sender is retrying because it missed our earlier answer, and
        // an error would only make it retry again. Real work belongs on a queue so this stays fast.
        exchange.sendResponseHeaders(204, -1);
    }

    /** Reads the whole body, or returns {@code null} once it exceeds the cap. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        long declared = declaredLength(exchange);
        try (InputStream in = exchange.getRequestBody()) {
            if (declared > maxBodyBytes) {
                discardRemainder(in, declared);
                return null; // refused without buffering any of it
            }
            // One byte over the cap is enough to know the body is too large (e.g. chunked uploads).
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                discardRemainder(in, -1);
                return null;
            }
            return body;
        }
    }

    /**
     * Closing a connection with unread request bytes makes TCP send a reset, which can destroy the 413
     * before the client reads it. Swallowing a bounded remainder lets the answer arrive; a sender of
     * more than {@link #DRAIN_LIMIT_BYTES} just gets the connection cut.
     */
    private static void discardRemainder(InputStream in, long declaredLength) throws IOException {
        if (declaredLength > DRAIN_LIMIT_BYTES) {
            return;
        }
        byte[] sink = new byte[8192];
        long discarded = 0;
        int n;
        while (discarded < DRAIN_LIMIT_BYTES && (n = in.read(sink)) != -1) {
            discarded += n;
        }
    }

    private static long declaredLength(HttpExchange exchange) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP server has already framed the request; the capped read still applies
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // Header values and event types are sender-controlled: keep them from forging extra log lines.
    private static String printable(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
