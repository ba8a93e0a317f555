package io.hookrelay.receiver;

import static io.hookrelay.receiver.WebhookVerificationException.Reason.MALFORMED_BODY;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.MALFORMED_HEADER;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.MISSING_HEADER;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.TIMESTAMP_TOO_NEW;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.TIMESTAMP_TOO_OLD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.receiver.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookVerifierTest {

    // Known answer from the Standard Webhooks reference libraries' tests.
    static final String KA_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String KA_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long KA_TIMESTAMP = 1614265330L;
    static final byte[] KA_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String KA_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    static final String OLD_SECRET = "whsec_" + b64("old-secret-0123456789abcdef");
    static final String NEW_SECRET = "whsec_" + b64("new-secret-0123456789abcdef");
    static final long NOW = 1_700_000_000L;
    static final String ID = "msg_2b1Y6mWzq4Xf";
    static final byte[] BODY = ("{\"type\":\"invoice.paid\",\"timestamp\":\"2023-11-14T22:13:20Z\","
            + "\"data\": {\"id\": \"inv_1\", \"amount\": 4200, \"tags\": [\"a\", \"b\"]}}")
            .getBytes(StandardCharsets.UTF_8);

    static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static Clock clockAt(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    static WebhookVerifier verifier(String... secrets) {
        return WebhookVerifier.builder().secrets(java.util.List.of(secrets)).clock(clockAt(NOW)).build();
    }

    static Map<String, String> headers(String id, String timestamp, String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", timestamp);
        headers.put("webhook-signature", signature);
        return headers;
    }

    static Map<String, String> signedHeaders(String secret, String id, long timestamp, byte[] body) {
        return headers(id, Long.toString(timestamp), TestSignatures.v1(secret, id, timestamp, body));
    }

    static Reason failure(WebhookVerifier verifier, Map<String, String> headers, byte[] body) {
        return assertThrows(WebhookVerificationException.class, () -> verifier.verify(headers, body)).reason();
    }

    @Test
    void independentSignerReproducesTheKnownAnswer() {
        assertEquals(KA_SIGNATURE, TestSignatures.v1(KA_SECRET, KA_ID, KA_TIMESTAMP, KA_BODY));
    }

    @Test
    void knownAnswerVerifies() throws Exception {
        WebhookVerifier verifier = WebhookVerifier.builder().secret(KA_SECRET).clock(clockAt(KA_TIMESTAMP)).build();

        VerifiedWebhook hook = verifier.verify(headers(KA_ID, Long.toString(KA_TIMESTAMP), KA_SIGNATURE), KA_BODY);

        assertEquals(KA_ID, hook.id());
        assertEquals(Instant.ofEpochSecond(KA_TIMESTAMP), hook.timestamp());
        assertArrayEquals(KA_BODY, hook.body());
        // Not a Standard Webhooks envelope: the members are absent, not an error.
        assertNull(hook.event().type());
        assertNull(hook.event().data());
        assertEquals("{\"test\": 2432232314}", hook.event().json());
    }

    @Test
    void knownAnswerWithOneFlippedBitFails() {
        WebhookVerifier verifier = WebhookVerifier.builder().secret(KA_SECRET).clock(clockAt(KA_TIMESTAMP)).build();
        String flipped = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=";
        assertEquals(NO_MATCHING_SIGNATURE,
                failure(verifier, headers(KA_ID, Long.toString(KA_TIMESTAMP), flipped), KA_BODY));
    }

    @Test
    void parsesTheEventEnvelope() throws Exception {
        VerifiedWebhook hook = verifier(NEW_SECRET).verify(signedHeaders(NEW_SECRET, ID, NOW, BODY), BODY);

        assertEquals("invoice.paid", hook.event().type());
        assertEquals("2023-11-14T22:13:20Z", hook.event().timestamp());
        // data is the exact source text, whitespace included.
        assertEquals("{\"id\": \"inv_1\", \"amount\": 4200, \"tags\": [\"a\", \"b\"]}", hook.event().data());
    }

    @Test
    void duringRotationTheOldSecretStillVerifies() throws Exception {
        WebhookVerifier verifier = verifier(NEW_SECRET, OLD_SECRET);

        assertEquals(ID, verifier.verify(signedHeaders(OLD_SECRET, ID, NOW, BODY), BODY).id());
        assertEquals(ID, verifier.verify(signedHeaders(NEW_SECRET, ID, NOW, BODY), BODY).id());
    }

    @Test
    void anyMatchingEntryAmongSeveralIsEnough() throws Exception {
        String other = "whsec_" + b64("an-unrelated-secret-value!");
        String header = TestSignatures.v1(other, ID, NOW, BODY) + " " + TestSignatures.v1(NEW_SECRET, ID, NOW, BODY);

        assertEquals(ID, verifier(NEW_SECRET).verify(headers(ID, Long.toString(NOW), header), BODY).id());
    }

    @Test
    void unknownVersionsAreIgnored() throws Exception {
        String header = "v9,c29tZXRoaW5nLWVsc2U= v1," + TestSignatures.v1(NEW_SECRET, ID, NOW, BODY).substring(3)
                + " x,!!not-base64!!";
        assertEquals(ID, verifier(NEW_SECRET).verify(headers(ID, Long.toString(NOW), header), BODY).id());

        assertEquals(NO_MATCHING_SIGNATURE,
                failure(verifier(NEW_SECRET), headers(ID, Long.toString(NOW), "v2,c29tZXRoaW5n"), BODY));
    }

    @Test
    void signatureFromAnUnconfiguredSecretFails() {
        String stranger = "whsec_" + b64("not-one-of-ours-0123456789");
        assertEquals(NO_MATCHING_SIGNATURE, failure(verifier(NEW_SECRET), signedHeaders(stranger, ID, NOW, BODY), BODY));
    }

    @Test
    void tamperedBodyFails() {
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("4200", "4201").getBytes(StandardCharsets.UTF_8);
        assertEquals(NO_MATCHING_SIGNATURE, failure(verifier(NEW_SECRET), signedHeaders(NEW_SECRET, ID, NOW, BODY), tampered));
    }

    @Test
    void tamperedIdFails() {
        Map<String, String> headers = signedHeaders(NEW_SECRET, ID, NOW, BODY);
        headers.put("webhook-id", ID + "x");
        assertEquals(NO_MATCHING_SIGNATURE, failure(verifier(NEW_SECRET), headers, BODY));
    }

    @Test
    void tamperedTimestampFails() {
        Map<String, String> headers = signedHeaders(NEW_SECRET, ID, NOW, BODY);
        headers.put("webhook-timestamp", Long.toString(NOW + 1));
        assertEquals(NO_MATCHING_SIGNATURE, failure(verifier(NEW_SECRET), headers, BODY));
    }

    @Test
    void timestampSixMinutesOldIsRejected() {
        long then = NOW - Duration.ofMinutes(6).toSeconds();
        assertEquals(TIMESTAMP_TOO_OLD, failure(verifier(NEW_SECRET), signedHeaders(NEW_SECRET, ID, then, BODY), BODY));
    }

    @Test
    void timestampSixMinutesAheadIsRejected() {
        long then = NOW + Duration.ofMinutes(6).toSeconds();
        assertEquals(TIMESTAMP_TOO_NEW, failure(verifier(NEW_SECRET), signedHeaders(NEW_SECRET, ID, then, BODY), BODY));
    }

    @ParameterizedTest
    @ValueSource(longs = {-240, 240, -300, 300})
    void timestampsWithinToleranceAreAccepted(long offsetSeconds) throws Exception {
        long then = NOW + offsetSeconds;
        assertEquals(Instant.ofEpochSecond(then),
                verifier(NEW_SECRET).verify(signedHeaders(NEW_SECRET, ID, then, BODY), BODY).timestamp());
    }

    @Test
    void toleranceIsConfigurable() throws Exception {
        WebhookVerifier strict = WebhookVerifier.builder().secret(NEW_SECRET).clock(clockAt(NOW))
                .tolerance(Duration.ofSeconds(30)).build();
        long then = NOW - 31;
        assertEquals(TIMESTAMP_TOO_OLD, failure(strict, signedHeaders(NEW_SECRET, ID, then, BODY), BODY));
        assertEquals(ID, strict.verify(signedHeaders(NEW_SECRET, ID, NOW - 30, BODY), BODY).id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "webhook-timestamp", "webhook-signature"})
    void missingHeaderIsReported(String header) {
        Map<String, String> headers = signedHeaders(NEW_SECRET, ID, NOW, BODY);
        headers.remove(header);
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                () -> verifier(NEW_SECRET).verify(headers, BODY));
        assertEquals(MISSING_HEADER, e.reason());
        assertTrue(e.getMessage().contains(header), e.getMessage());
    }

    @Test
    void headerNamesAreCaseInsensitive() throws Exception {
        Map<String, String> headers = new HashMap<>();
        signedHeaders(NEW_SECRET, ID, NOW, BODY).forEach((name, value) -> headers.put(name.toUpperCase(), value));
        assertEquals(ID, verifier(NEW_SECRET).verify(headers, BODY).id());
    }

    @Test
    void acceptsAHeaderLookupFunction() throws Exception {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(signedHeaders(NEW_SECRET, ID, NOW, BODY));
        assertEquals(ID, verifier(NEW_SECRET).verify(headers::get, BODY).id());
    }

    @Test
    void conflictingSpellingsOfOneHeaderAreMalformed() {
        Map<String, String> headers = signedHeaders(NEW_SECRET, ID, NOW, BODY);
        headers.put("Webhook-Id", "msg_other");
        assertEquals(MALFORMED_HEADER, failure(verifier(NEW_SECRET), headers, BODY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-5", "+1700000000", "1700000000.5", "99999999999999999999", "9223372036854775807"})
    void malformedTimestampIsReported(String timestamp) {
        Map<String, String> headers = signedHeaders(NEW_SECRET, ID, NOW, BODY);
        headers.put("webhook-timestamp", timestamp);
        assertEquals(MALFORMED_HEADER, failure(verifier(NEW_SECRET), headers, BODY));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v1",                                          // no comma
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", // no version
        ",g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", // empty version
        "v1,not*base64!",                              // bad base64
        "v1,c2hvcnQ=",                                 // decodes to 5 bytes, not 32
        "v1a,c2hvcnQ=",                                // not a 64-byte Ed25519 signature
        "   "                                          // blank
    })
    void malformedSignatureHeaderIsReported(String signature) {
        Map<String, String> headers = signedHeaders(NEW_SECRET, ID, NOW, BODY);
        headers.put("webhook-signature", signature);
        assertEquals(MALFORMED_HEADER, failure(verifier(NEW_SECRET), headers, BODY));
    }

    @Test
    void tooManySignatureEntriesAreMalformed() {
        String entry = TestSignatures.v1(NEW_SECRET, ID, NOW, BODY);
        String header = (entry + " ").repeat(SignatureHeader.MAX_ENTRIES + 1).trim();
        assertEquals(MALFORMED_HEADER, failure(verifier(NEW_SECRET), headers(ID, Long.toString(NOW), header), BODY));
    }

    @Test
    void extraSpacesBetweenEntriesAreTolerated() throws Exception {
        String header = "  v2,abc   " + TestSignatures.v1(NEW_SECRET, ID, NOW, BODY) + "  ";
        assertEquals(ID, verifier(NEW_SECRET).verify(headers(ID, Long.toString(NOW), header), BODY).id());
    }

    @Test
    void secretWithoutPrefixIsRejectedAtBuildTime() {
        String unprefixed = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebhookVerifier.builder().secret(unprefixed));
        assertFalse(e.getMessage().contains(unprefixed), e.getMessage());
    }

    @Test
    void secretWithBadBase64IsRejectedAtBuildTimeWithoutEchoingIt() {
        String secret = "whsec_sup3r*secret";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.ofSecrets(secret));
        assertFalse(e.getMessage().contains("sup3r"), e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void emptySecretAndNoKeysAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.ofSecrets("whsec_"));
        assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.ofSecrets());
        assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.builder().tolerance(Duration.ofSeconds(-1)));
    }

    @Test
    void failureMessagesNeverContainTheSecretOrSignature() {
        String secretPart = NEW_SECRET.substring("whsec_".length());
        Map<String, String> headers = signedHeaders(OLD_SECRET, ID, NOW, BODY);
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                () -> verifier(NEW_SECRET).verify(headers, BODY));
        assertFalse(e.getMessage().contains(secretPart));
        assertFalse(e.getMessage().contains(headers.get("webhook-signature").substring(3)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"type\": 5}", "{\"type\":\"a\",\"type\":\"b\"}", "{\"data\": }", ""})
    void signedButMalformedBodyIsReported(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertEquals(MALFORMED_BODY, failure(verifier(NEW_SECRET), signedHeaders(NEW_SECRET, ID, NOW, bytes), bytes));
    }

    @Test
    void signedBodyThatIsNotUtf8IsMalformed() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertEquals(MALFORMED_BODY, failure(verifier(NEW_SECRET), signedHeaders(NEW_SECRET, ID, NOW, bytes), bytes));
    }

    @Test
    void unsignedMalformedBodyFailsOnTheSignatureNotTheBody() {
        byte[] garbage = "not json".getBytes(StandardCharsets.UTF_8);
        assertEquals(NO_MATCHING_SIGNATURE, failure(verifier(NEW_SECRET), signedHeaders(NEW_SECRET, ID, NOW, BODY), garbage));
    }

    @Test
    void verifiedBodyCannotBeModifiedThroughTheRecord() throws Exception {
        byte[] body = BODY.clone();
        VerifiedWebhook hook = verifier(NEW_SECRET).verify(signedHeaders(NEW_SECRET, ID, NOW, body), body);
        body[0] = 'X';
        hook.body()[1] = 'X';
        assertArrayEquals(BODY, hook.body());
        assertEquals(hook, verifier(NEW_SECRET).verify(signedHeaders(NEW_SECRET, ID, NOW, BODY), BODY));
    }
}
