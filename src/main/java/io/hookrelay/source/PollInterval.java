package io.hookrelay.source;

import io.hookrelay.http.ApiException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * How often an http source is polled: an ISO-8601 duration ({@code PT30S}, {@code PT5M}, {@code P1D}) or
 * plain seconds ({@code 30}), in whole seconds from 1 second to 1 day. Faster polling would hammer the
 * resource; slower than daily is better served by a scheduled job.
 */
final class PollInterval {

    static final int DEFAULT_SECONDS = 60;
    static final int MIN_SECONDS = 1;
    static final int MAX_SECONDS = 86_400;
    private static final Pattern SECONDS = Pattern.compile("^[0-9]{1,9}$");

    private PollInterval() {
    }

    /** The interval in seconds; {@link #DEFAULT_SECONDS} when none is given. */
    static int parse(String raw) {
        if (raw == null) {
            return DEFAULT_SECONDS;
        }
        String text = raw.strip();
        Duration duration = SECONDS.matcher(text).matches() ? Duration.ofSeconds(Long.parseLong(text)) : iso(raw, text);
        if (duration.getNano() != 0) {
            throw invalid(raw, "must be whole seconds");
        }
        if (duration.compareTo(Duration.ofSeconds(MIN_SECONDS)) < 0 || duration.compareTo(Duration.ofSeconds(MAX_SECONDS)) > 0) {
            throw invalid(raw, "must be from 1 second (PT1S) to 1 day (P1D)");
        }
        return (int) duration.getSeconds();
    }

    private static Duration iso(String raw, String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(raw, "is not an ISO-8601 duration like PT30S or a number of seconds like 30");
        }
    }

    private static ApiException invalid(String raw, String why) {
        return ApiException.validation("interval: '" + SourceFields.shown(raw, 32) + "' " + why);
    }
}
