package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    /** A Thursday. */
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @DisplayName("delta-seconds are read as a wait of that many seconds, surrounding spaces allowed")
    void deltaSeconds() {
        assertEquals(Duration.ofSeconds(120), RetryAfter.parse("120", NOW));
        assertEquals(Duration.ofSeconds(7), RetryAfter.parse(" 7 ", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("0", NOW));
    }

    @Test
    @DisplayName("an IMF-fixdate is read as the wait until that moment")
    void imfFixdate() {
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Thu, 01 Jan 2026 00:01:30 GMT", NOW));
    }

    @Test
    @DisplayName("the obsolete RFC 850 and asctime date forms are accepted too, as RFC 9110 requires")
    void obsoleteDateForms() {
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Thursday, 01-Jan-26 00:01:30 GMT", NOW));
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Thu Jan  1 00:01:30 2026", NOW));
        assertEquals(Duration.ofDays(15), RetryAfter.parse("Fri Jan 16 00:00:00 2026", NOW));
    }

    @Test
    @DisplayName("an RFC 850 two-digit year more than 50 years ahead means the previous century")
    void rfc850Century() {
        assertEquals(Duration.ofDays(365), RetryAfter.parse("Friday, 01-Jan-27 00:00:00 GMT", NOW));
        // 94 is 1994, long past, not 2094.
        assertNull(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW));
    }

    @Test
    @DisplayName("a date in the past gives no wait at all")
    void pastDate() {
        assertNull(RetryAfter.parse("Wed, 31 Dec 2025 23:59:59 GMT", NOW));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        " ", "soon", "-5", "+5", "1.5", "12s", "0x10", "99999999999999999999999",
        "Fri, 01 Jan 2026 00:01:30 GMT", // wrong weekday
        "Thu, 01 Jan 2026 00:01:30", "2026-01-01T00:01:30Z", "Someday, 01-Jan-26 00:01:30 GMT"})
    @DisplayName("anything else is ignored")
    void invalid(String value) {
        assertNull(RetryAfter.parse(value, NOW));
    }
}
