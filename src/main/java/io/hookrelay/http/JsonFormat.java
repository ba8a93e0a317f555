package io.hookrelay.http;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** One way to write times in answers: ISO-8601 UTC with millisecond precision. */
public final class JsonFormat {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");

    private JsonFormat() {
    }

    public static String time(OffsetDateTime time) {
        return time == null ? null : FORMAT.format(time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
    }
}
