package io.hookrelay.http;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Headers a tenant adds to requests Hookrelay makes for it (deliveries, polls). Names that carry the
 * signature, framing or routing belong to Hookrelay alone: a tenant who could set them could forge
 * signatures or smuggle requests.
 */
public final class CustomHeaders {

    /**
     * Polls also refuse the conditional-request headers: the poller sets them from the last answer's
     * ETag and Last-Modified, and a fixed value would hide every change.
     */
    public static final Set<String> CONDITIONAL = Set.of("if-none-match", "if-modified-since");
    public static final int MAX_HEADERS = 20;

    private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,100}$");
    private static final Set<String> RESERVED = Set.of(
            "host", "content-type", "content-length", "content-encoding", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-authorization", "proxy-connection",
            "user-agent", "date", "cookie", "forwarded", "via");
    private static final String[] RESERVED_PREFIXES = {"webhook-", "x-hookrelay-", "x-forwarded-", "proxy-", "sec-", ":"};

    private CustomHeaders() {
    }

    /** The headers with lower-case names and trimmed values; an empty object when none are given. */
    public static JsonObject validate(JsonObject headers) {
        return validate(headers, Set.of());
    }

    public static JsonObject validate(JsonObject headers, Set<String> alsoReserved) {
        if (headers == null) {
            return new JsonObject();
        }
        if (headers.size() > MAX_HEADERS) {
            throw ApiException.validation("headers: at most " + MAX_HEADERS + " headers");
        }
        JsonObject clean = new JsonObject();
        for (String name : headers.fieldNames()) {
            String field = "headers." + Problems.clip(name, 60);
            if (!TOKEN.matcher(name).matches()) {
                throw ApiException.validation(field + ": a header name is 1 to 100 token characters (letters, digits, '-', ...)");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED.contains(lower) || alsoReserved.contains(lower) || startsWithReserved(lower)) {
                throw ApiException.validation(field + ": this header is set by Hookrelay and cannot be overridden");
            }
            if (clean.containsKey(lower)) {
                throw ApiException.validation(field + ": the same header is given twice");
            }
            Object value = headers.getValue(name);
            if (!(value instanceof String text)) {
                throw ApiException.validation(field + ": the value must be a string");
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                    throw ApiException.validation(field + ": the value must be printable ASCII or Latin-1, without line breaks");
                }
            }
            clean.put(lower, text.strip());
        }
        return clean;
    }

    private static boolean startsWithReserved(String lower) {
        for (String prefix : RESERVED_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
