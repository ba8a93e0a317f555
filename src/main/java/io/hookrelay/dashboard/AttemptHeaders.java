package io.hookrelay.dashboard;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the dashboard may show of the headers an attempt sent. The stored copy already hides the
 * signature and {@code authorization}; tenants' custom headers are stored as sent and often carry
 * tokens, so anything that could be a credential - by its name or by the shape of its value - is hidden
 * here, whatever was stored (also rows written by older versions).
 */
final class AttemptHeaders {

    static final String REDACTED = "(redacted)";

    /** Headers the service itself sets, whose values are known not to be secret. */
    private static final Set<String> SHOWN = Set.of("content-type", "content-length", "user-agent", "webhook-id",
            "webhook-timestamp");
    private static final Set<String> SECRET_NAMES = Set.of("authorization", "proxy-authorization", "cookie",
            "set-cookie", "webhook-signature");
    private static final Pattern SECRET_NAME_PART = Pattern.compile(
            "auth|token|secret|passw|pwd|key|session|cookie|signature|credential|bearer|jwt|sid\\b|csrf|xsrf");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)^\\s*(bearer|basic|digest|token|negotiate|apikey|api-key)\\b.*|.*\\b(whsec_|hr_|sk_|pk_|ghp_|xox[a-z]-)\\S*.*");

    /** A long unbroken run of letters and digits looks like a generated token, whatever the header is called. */
    private static final Pattern TOKEN_LIKE = Pattern.compile("^[A-Za-z0-9+/=_.:~-]{16,}$");
    private static final Pattern HAS_LETTER = Pattern.compile("[A-Za-z]");
    private static final Pattern HAS_DIGIT = Pattern.compile("[0-9]");

    private AttemptHeaders() {
    }

    static JsonObject redact(JsonObject stored) {
        JsonObject shown = new JsonObject();
        stored.forEach(entry -> {
            String name = entry.getKey();
            String value = entry.getValue() == null ? "" : String.valueOf(entry.getValue());
            shown.put(name, mayBeCredential(name, value) ? REDACTED : value);
        });
        return shown;
    }

    static boolean mayBeCredential(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (SHOWN.contains(lower)) {
            return false;
        }
        return SECRET_NAMES.contains(lower) || SECRET_NAME_PART.matcher(lower).find()
                || SECRET_VALUE.matcher(value).matches()
                || (TOKEN_LIKE.matcher(value).matches() && HAS_LETTER.matcher(value).find() && HAS_DIGIT.matcher(value).find());
    }
}
