package io.hookrelay.receiver;

import static io.hookrelay.receiver.WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ed25519VerificationTest {

    static final long NOW = 1_700_000_000L;
    static final String ID = "msg_ed25519_1";
    static final byte[] BODY = "{\"type\":\"user.created\",\"timestamp\":\"2023-11-14T22:13:20Z\",\"data\":{\"id\":7}}"
            .getBytes(StandardCharsets.UTF_8);
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    final KeyPair pair = TestSignatures.ed25519KeyPair();

    WebhookVerifier keyOnlyVerifier(KeyPair keys) {
        return WebhookVerifier.builder().publicKey(TestSignatures.whpk(keys.getPublic())).clock(CLOCK).build();
    }

    Map<String, String> headers(String signature) {
        return Map.of("webhook-id", ID, "webhook-timestamp", Long.toString(NOW), "webhook-signature", signature);
    }

    @Test
    void whpkEncodingIsTheRawKey() {
        // Guards the test helper's assumption: X.509 Ed25519 = 12-byte fixed header + 32-byte key.
        assertEquals(44, pair.getPublic().getEncoded().length);
        assertEquals(32, Base64.getDecoder().decode(TestSignatures.whpk(pair.getPublic()).substring(5)).length);
    }

    @Test
    void validSignatureVerifies() throws Exception {
        String signature = TestSignatures.v1a(pair.getPrivate(), ID, NOW, BODY);
        VerifiedWebhook hook = keyOnlyVerifier(pair).verify(headers(signature), BODY);
        assertEquals("user.created", hook.event().type());
        assertEquals("{\"id\":7}", hook.event().data());
    }

    @Test
    void tamperedBodyFails() {
        String signature = TestSignatures.v1a(pair.getPrivate(), ID, NOW, BODY);
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("7", "8").getBytes(StandardCharsets.UTF_8);
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                () -> keyOnlyVerifier(pair).verify(headers(signature), tampered));
        assertEquals(NO_MATCHING_SIGNATURE, e.reason());
    }

    @Test
    void tamperedIdFails() {
        String signature = TestSignatures.v1a(pair.getPrivate(), ID + "x", NOW, BODY);
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                () -> keyOnlyVerifier(pair).verify(headers(signature), BODY));
        assertEquals(NO_MATCHING_SIGNATURE, e.reason());
    }

    @Test
    void signatureFromAnotherKeyFails() {
        KeyPair other = TestSignatures.ed25519KeyPair();
        String signature = TestSignatures.v1a(other.getPrivate(), ID, NOW, BODY);
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                () -> keyOnlyVerifier(pair).verify(headers(signature), BODY));
        assertEquals(NO_MATCHING_SIGNATURE, e.reason());
    }

    @Test
    void garbageSignatureOfTheRightLengthDoesNotMatch() {
        String signature = "v1a," + Base64.getEncoder().encodeToString(new byte[64]);
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                () -> keyOnlyVerifier(pair).verify(headers(signature), BODY));
        assertEquals(NO_MATCHING_SIGNATURE, e.reason());
    }

    @Test
    void mixedHeaderPassesOnEitherScheme() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("mixed-mode-secret-bytes!".getBytes(StandardCharsets.UTF_8));
        WebhookVerifier both = WebhookVerifier.builder().secret(secret)
                .publicKey(TestSignatures.whpk(pair.getPublic())).clock(CLOCK).build();
        String v1 = TestSignatures.v1(secret, ID, NOW, BODY);
        String v1a = TestSignatures.v1a(pair.getPrivate(), ID, NOW, BODY);
        String forgedV1 = "v1," + Base64.getEncoder().encodeToString(new byte[32]);

        assertEquals(ID, both.verify(headers(v1 + " " + v1a), BODY).id());
        assertEquals(ID, both.verify(headers(forgedV1 + " " + v1a), BODY).id());
        assertEquals(ID, both.verify(headers(v1), BODY).id());
    }

    @Test
    void invalidPublicKeysAreRejectedAtBuildTime() {
        String raw = Base64.getEncoder().encodeToString(new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.builder().publicKey(raw));
        assertThrows(IllegalArgumentException.class,
                () -> WebhookVerifier.builder().publicKey("whpk_" + Base64.getEncoder().encodeToString(new byte[31])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebhookVerifier.builder().publicKey("whpk_%%%"));
        assertTrue(e.getMessage().contains("base64"), e.getMessage());
    }
}
