package io.hookrelay.delivery;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns the exceptions of a failed exchange into the short phrases a delivery log shows
 * ("connection refused", "TLS: ..."). Receivers choose what their failures say, so messages are
 * cut short and stripped of control characters.
 */
final class HttpFailures {

    private static final int MAX_LENGTH = 200;
    private static final int MAX_CAUSES = 16;

    private HttpFailures() {}

    static String describe(Throwable failure, long connectTimeoutMillis) {
        Throwable ssl = find(failure, SSLException.class);
        if (ssl != null) {
            // The innermost message is the useful one ("unable to find valid certification path ...").
            return clean("TLS: " + innermostMessage(ssl));
        }
        if (failure instanceof HttpFailure) {
            return clean(failure.getMessage());
        }
        if (find(failure, ConnectTimeoutException.class) != null || find(failure, TimeoutException.class) != null) {
            // Netty's TCP connect timeout, or Vert.x giving up on getting a pooled connection.
            return "connect timeout after " + connectTimeoutMillis + " ms";
        }
        String message = String.valueOf(innermostMessage(failure)).toLowerCase(Locale.ROOT);
        if (find(failure, ConnectException.class) != null || find(failure, NoRouteToHostException.class) != null) {
            if (message.contains("refused")) {
                return "connection refused";
            }
            if (message.contains("no route")) {
                return "no route to host";
            }
            if (message.contains("unreachable")) {
                return "network unreachable";
            }
            return clean("connect failed: " + innermostMessage(failure));
        }
        if (message.contains("reset")) {
            return "connection reset";
        }
        if (find(failure, HttpClosedException.class) != null || message.contains("connection was closed")) {
            return "connection closed by the receiver";
        }
        if (find(failure, TooLongFrameException.class) != null || find(failure, DecoderException.class) != null) {
            return clean("HTTP: invalid response (" + innermostMessage(failure) + ")");
        }
        return clean(failure.getClass().getSimpleName() + ": " + innermostMessage(failure));
    }

    private static Throwable find(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t : causes(failure)) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static String innermostMessage(Throwable failure) {
        String message = null;
        for (Throwable t : causes(failure)) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    /** The failure and its causes, outermost first; bounded, since a cause chain may loop. */
    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < MAX_CAUSES && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    static String clean(String text) {
        String flat = text.replaceAll("\\p{Cntrl}+", " ").trim();
        return flat.length() <= MAX_LENGTH ? flat : flat.substring(0, MAX_LENGTH) + "...";
    }
}
