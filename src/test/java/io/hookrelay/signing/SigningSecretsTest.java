package io.hookrelay.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SigningSecretsTest {

    @Test
    void newHmacSecretHasPrefixAndDecodesTo32Bytes() {
        String secret = SigningSecrets.newHmacSecret();

        assertTrue(secret.startsWith("whsec_"), secret);
        assertEquals(32, Base64.getDecoder().decode(secret.substring("whsec_".length())).length);
        assertEquals(32, SigningSecrets.hmacKey(secret).length);
    }

    @Test
    void newHmacSecretsDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertTrue(seen.add(SigningSecrets.newHmacSecret()), "duplicate secret");
        }
    }

    @Test
    void hmacKeyDecodesTheStandardWebhooksExampleSecret() {
        byte[] expected = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        assertArrayEquals(expected, SigningSecrets.hmacKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_",
            "whsec_not base64!",
            "whsec_MfKQ9",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw-_"})
    void hmacKeyRejectsMalformedSecrets(String secret) {
        assertThrows(IllegalArgumentException.class, () -> SigningSecrets.hmacKey(secret));
    }

    @Test
    void malformedSecretIsNotEchoedInTheErrorMessage() {
        String secret = "whsec_SuperSecret*Value";

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SigningSecrets.hmacKey(secret));

        assertFalse(e.getMessage().contains("SuperSecret"), e.getMessage());
    }

    @Test
    void newEd25519KeyPairHasPrefixesAnd32ByteKeys() {
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();

        assertTrue(pair.secretKey().startsWith("whsk_"), pair.secretKey());
        assertTrue(pair.publicKey().startsWith("whpk_"), pair.publicKey());
        assertEquals(32, Base64.getDecoder().decode(pair.secretKey().substring(5)).length);
        assertEquals(32, Base64.getDecoder().decode(pair.publicKey().substring(5)).length);
    }

    @Test
    void newEd25519KeyPairsDiffer() {
        Ed25519KeyPair a = SigningSecrets.newEd25519KeyPair();
        Ed25519KeyPair b = SigningSecrets.newEd25519KeyPair();

        assertNotEquals(a.secretKey(), b.secretKey());
        assertNotEquals(a.publicKey(), b.publicKey());
    }

    @Test
    void publicKeyOfRederivesTheGeneratedPublicKey() {
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();

        assertEquals(pair.publicKey(), SigningSecrets.publicKeyOf(pair.secretKey()));
    }

    @Test
    void publicKeyOfMatchesRfc8032TestVector() {
        // RFC 8032 section 7.1, TEST 1.
        byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] publicKey = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

        String derived = SigningSecrets.publicKeyOf("whsk_" + Base64.getEncoder().encodeToString(seed));

        assertEquals("whpk_" + Base64.getEncoder().encodeToString(publicKey), derived);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "whsk_",
            "whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsk_%%%"})
    void publicKeyOfRejectsMalformedSecrets(String secret) {
        assertThrows(IllegalArgumentException.class, () -> SigningSecrets.publicKeyOf(secret));
    }

    @Test
    void keyPairToStringHidesTheSecretKey() {
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();

        assertFalse(pair.toString().contains(pair.secretKey().substring(5)));
        assertTrue(pair.toString().contains(pair.publicKey()));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
