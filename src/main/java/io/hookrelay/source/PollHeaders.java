package io.hookrelay.source;

import io.hookrelay.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Headers a tenant adds to every poll of an http source, under the rules of subscription headers:
 * names that carry framing, routing or Hookrelay's own signals are refused, so a source cannot smuggle
 * requests or pose as Hookrelay. The conditional-request headers are refused too: the poller sets them
 * from the last answer's ETag and Last-Modified, and a fixed value would hide every change.
 */
final class PollHeaders {

    static final int MAX_HEADERS = 20;
    private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,100}$");
    private static final Set<String> RESERVED = Set.of(
            "host", "content-type", "content-length", "content-encoding", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-authorization", "proxy-connection",
            "user-agent", "date", "cookie", "forwarded", "via", "if-none-match", "if-modified-since");
    private static final String[] RESERVED_PREFIXES = {"webhook-", "x-hookrelay-", "x-forwarded-", "proxy-", "sec-", ":"};

    private PollHeaders() {
    }

    /** The headers with lower-case names and trimmed values; an empty object when none are given. */
    static JsonObject validate(JsonObject headers) {
        if (headers == null) {
            return new JsonObject();
        }
        if (headers.size() > MAX_HEADERS) {
            throw ApiException.validation("headers: at most " + MAX_HEADERS + " headers");
        }
        JsonObject clean = new JsonObject();
        for (String name : headers.fieldNames()) {
            String field = "headers." + SourceFields.shown(name, 60);
            if (!TOKEN.matcher(name).matches()) {
                throw ApiException.validation(field + ": a header name is 1 to 100 token characters (letters, digits, '-', ...)");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED.contains(lower) || startsWithReserved(lower)) {
                throw ApiException.validation(field + ": this header is set by Hookrelay and cannot be overridden");
            }
            if (clean.containsKey(lower)) {
                throw ApiException.validation(field + ": the same header is given twice");
            }
            if (!(headers.getValue(name) instanceof String value)) {
                throw ApiException.validation(field + ": the value must be a string");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                    throw ApiException.validation(field + ": the value must be printable ASCII or Latin-1, without line breaks");
                }
            }
            clean.put(lower, value.strip());
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
