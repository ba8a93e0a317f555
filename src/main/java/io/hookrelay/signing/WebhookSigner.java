package io.hookrelay.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Produces Standard Webhooks signatures over {@code msgId + "." + timestamp + "." + body}.
 *
 * <p>All methods are thread-safe.
 */
public final class WebhookSigner {

    private static final String HMAC_ALGORITHM = "HmacSHA256";

    // Mac.getInstance walks the provider list on every call, which dominates the cost for typical
    // small payloads; a per-thread instance only needs a cheap re-init with the endpoint's key.
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(HMAC_ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform must provide " + HMAC_ALGORITHM, e);
        }
    });

    private WebhookSigner() {
    }

    /** {@code v1,} + base64(HMAC-SHA256(key, signed content)). */
    public static String signHmac(byte[] key, String msgId, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(body, "body");
        return signHmac(key, signedPrefix(msgId, timestampSeconds), body);
    }

    /** {@code v1a,} + base64(Ed25519 signature over the signed content) with a {@code whsk_} secret. */
    public static String signEd25519(String whskSecret, String msgId, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(body, "body");
        return signEd25519(whskSecret, signedPrefix(msgId, timestampSeconds), body);
    }

    /**
     * The value of the {@code webhook-signature} header: one signature per secret, space separated.
     * During rotation both the new and the old secret are passed so that receivers still holding
     * either one accept the message.
     *
     * @param secrets {@code whsec_} secrets (signed as {@code v1}) and/or {@code whsk_} secrets
     *                (signed as {@code v1a}); at least one
     * @throws IllegalArgumentException if the list is empty or a secret is malformed
     */
    public static String signatureHeader(List<String> secrets, String msgId, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(body, "body");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one signing secret is required");
        }
        byte[] prefix = signedPrefix(msgId, timestampSeconds);
        StringJoiner header = new StringJoiner(" ");
        for (String secret : secrets) {
            header.add(sign(secret, prefix, body));
        }
        return header.toString();
    }

    private static String sign(String secret, byte[] prefix, byte[] body) {
        Objects.requireNonNull(secret, "secret");
        if (secret.startsWith(SigningSecrets.HMAC_SECRET_PREFIX)) {
            return signHmac(SigningSecrets.hmacKey(secret), prefix, body);
        }
        if (secret.startsWith(SigningSecrets.ED25519_SECRET_PREFIX)) {
            return signEd25519(secret, prefix, body);
        }
        if (secret.startsWith(SigningSecrets.ED25519_PUBLIC_PREFIX)) {
            throw new IllegalArgumentException("a whpk_ public key cannot sign; pass the whsk_ secret key");
        }
        throw new IllegalArgumentException("signing secret must start with "
                + SigningSecrets.HMAC_SECRET_PREFIX + " or " + SigningSecrets.ED25519_SECRET_PREFIX);
    }

    private static String signHmac(byte[] key, byte[] prefix, byte[] body) {
        if (key.length == 0) {
            throw new IllegalArgumentException("HMAC key is empty");
        }
        Mac mac = HMAC.get();
        try {
            // init also resets, so a previous call that failed half-way leaves no state behind.
            mac.init(new SecretKeySpec(key, HMAC_ALGORITHM));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable HMAC key", e);
        }
        mac.update(prefix);
        mac.update(body);
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    }

    private static String signEd25519(String whskSecret, byte[] prefix, byte[] body) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, SigningSecrets.ed25519PrivateKey(whskSecret));
        signer.update(prefix, 0, prefix.length);
        signer.update(body, 0, body.length);
        return "v1a," + Base64.getEncoder().encodeToString(signer.generateSignature());
    }

    // Only the short "id.ts." part is built as a String; the body is fed to the signer as bytes so
    // that payloads are neither copied nor re-encoded.
    private static byte[] signedPrefix(String msgId, long timestampSeconds) {
        Objects.requireNonNull(msgId, "msgId");
        return (msgId + '.' + timestampSeconds + '.').getBytes(StandardCharsets.UTF_8);
    }
}
