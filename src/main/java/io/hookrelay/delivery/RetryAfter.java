package io.hookrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/** Reads a Retry-After header (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date. */
public final class RetryAfter {

    /**
     * The three HTTP-date forms RFC 9110 section 5.6.7 says a recipient must accept. The preferred
     * IMF-fixdate is read leniently (RFC 1123 also allows a missing weekday or a numeric zone).
     */
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    /**
     * RFC 850 without its weekday: with a two-digit year, java.time would check the weekday against
     * the wrong century, so the weekday is only checked to be a weekday name.
     */
    private static final DateTimeFormatter RFC_850 =
            DateTimeFormatter.ofPattern("dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
    private static final Set<String> WEEKDAYS = Set.of(
            "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday");
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private RetryAfter() {}

    /**
     * How long the server asks us to wait, measured from {@code now}; null when the header is
     * absent, malformed or in the past (a date before now, so nothing to wait for).
     */
    public static Duration parse(String headerValue, Instant now) {
        if (headerValue == null) {
            return null;
        }
        String value = headerValue.trim();
        if (value.isEmpty()) {
            return null;
        }
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return seconds(value);
        }
        Instant when = httpDate(value, now);
        if (when == null || when.isBefore(now)) {
            return null;
        }
        return Duration.between(now, when);
    }

    private static Duration seconds(String digits) {
        try {
            return Duration.ofSeconds(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return null; // longer than a long holds: no sensible reading
        }
    }

    private static Instant httpDate(String value, Instant now) {
        try {
            return ZonedDateTime.parse(value, IMF_FIXDATE).toInstant();
        } catch (DateTimeParseException e) {
            // not the preferred form; try the obsolete ones
        }
        try {
            return LocalDateTime.parse(value, ASCTIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // not asctime either
        }
        int comma = value.indexOf(", ");
        if (comma < 0 || !WEEKDAYS.contains(value.substring(0, comma))) {
            return null;
        }
        try {
            return rfc850(LocalDateTime.parse(value.substring(comma + 2), RFC_850), now);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * RFC 850 dates have two-digit years. RFC 9110 says to read one that would be more than 50
     * years in the future as the most recent past year with those digits; java.time would instead
     * pin it to 2000-2099.
     */
    private static Instant rfc850(LocalDateTime parsed, Instant now) {
        int currentYear = now.atZone(ZoneOffset.UTC).getYear();
        int year = currentYear - Math.floorMod(currentYear, 100) + parsed.getYear() % 100;
        if (year > currentYear + 50) {
            year -= 100;
        }
        return parsed.withYear(year).toInstant(ZoneOffset.UTC);
    }
}
