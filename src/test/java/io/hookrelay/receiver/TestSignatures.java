package io.hookrelay.receiver;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes expected signatures with plain JCA, independently of the code under test, so a bug in the
 * verifier's signing path cannot hide behind the same bug in the tests.
 */
public final class TestSignatures {

    private TestSignatures() {
    }

    public static byte[] signedContent(String id, String timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return content;
    }

    /** {@code v1,<base64 HMAC-SHA256>} for a {@code whsec_} secret. */
    public static String v1(String secret, String id, long timestamp, byte[] body) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal(signedContent(id, Long.toString(timestamp), body));
            return "v1," + Base64.getEncoder().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code v1a,<base64 Ed25519 signature>}. */
    public static String v1a(PrivateKey key, String id, long timestamp, byte[] body) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(signedContent(id, Long.toString(timestamp), body));
            return "v1a," + Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    public static KeyPair ed25519KeyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code whpk_} + base64 of the raw key: the last 32 bytes of the X.509 encoding. */
    public static String whpk(PublicKey key) {
        byte[] x509 = key.getEncoded();
        byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        return "whpk_" + Base64.getEncoder().encodeToString(raw);
    }
}
