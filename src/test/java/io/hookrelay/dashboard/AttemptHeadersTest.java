package io.hookrelay.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which stored attempt headers the dashboard shows, and which it hides as possible credentials. */
class AttemptHeadersTest {

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "content-type|application/json|shown",
            "webhook-id|01a20860-407e-7573-b233-c5453aa9522f|shown",
            "webhook-timestamp|1767225600|shown",
            "user-agent|Hookrelay/0.1.0 (+https://hookrelay.dev)|shown",
            "x-team|blue|shown",
            "x-region|eu-west-1|shown",
            "webhook-signature|v1,abc=|hidden",
            "authorization|Bearer abc|hidden",
            "Authorization|x|hidden",
            "x-api-key|short|hidden",
            "apikey|1|hidden",
            "x-auth|1|hidden",
            "x-access-token|1|hidden",
            "x-client-secret|1|hidden",
            "x-password|1|hidden",
            "x-session-id|1|hidden",
            "x-csrf|1|hidden",
            "x-forwarded-for-partner|Bearer eyJhbGciOi|hidden",
            "x-carrier|basic dXNlcjpwYXNz|hidden",
            "x-partner|9f8a7b6c5d4e3f2a1b0c|hidden",
            "x-thing|whsec_abc|hidden",
            "x-thing|prefix hr_abcdef suffix|hidden",
            "x-thing|sk_live_1|hidden",
    })
    void redaction(String name, String value, String expected) {
        JsonObject shown = AttemptHeaders.redact(new JsonObject().put(name, value));
        assertEquals("shown".equals(expected) ? value : AttemptHeaders.REDACTED, shown.getString(name));
    }
}
