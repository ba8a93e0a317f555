package io.hookrelay.signing;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Creates and parses endpoint signing secrets in the Standard Webhooks formats.
 *
 * <p>Error messages never include the offending secret, because they tend to end up in logs.
 */
public final class SigningSecrets {

    public static final String HMAC_SECRET_PREFIX = "whsec_";
    public static final String ED25519_SECRET_PREFIX = "whsk_";
    public static final String ED25519_PUBLIC_PREFIX = "whpk_";

    private static final int HMAC_SECRET_BYTES = 32;
    private static final int ED25519_KEY_BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;

    // SecureRandom is thread-safe and seeding it is the expensive part, so one instance is shared.
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningSecrets() {
    }

    /** A fresh HMAC secret: {@code whsec_} + standard base64 of 32 random bytes. */
    public static String newHmacSecret() {
        byte[] key = new byte[HMAC_SECRET_BYTES];
        RANDOM.nextBytes(key);
        return HMAC_SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * The raw HMAC key of a {@code whsec_} secret. Any non-empty length is accepted because
     * secrets imported from other Standard Webhooks senders are not always 32 bytes.
     *
     * @throws IllegalArgumentException if the prefix is wrong or the rest is not valid base64
     */
    public static byte[] hmacKey(String whsecSecret) {
        byte[] key = decode(whsecSecret, HMAC_SECRET_PREFIX, "HMAC secret");
        if (key.length == 0) {
            throw new IllegalArgumentException("HMAC secret is empty");
        }
        return key;
    }

    /** A fresh Ed25519 key pair for {@code v1a} signatures. */
    public static Ed25519KeyPair newEd25519KeyPair() {
        Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
        generator.init(new Ed25519KeyGenerationParameters(RANDOM));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        byte[] seed = ((Ed25519PrivateKeyParameters) pair.getPrivate()).getEncoded();
        byte[] publicKey = ((Ed25519PublicKeyParameters) pair.getPublic()).getEncoded();
        return new Ed25519KeyPair(
                ED25519_SECRET_PREFIX + Base64.getEncoder().encodeToString(seed),
                ED25519_PUBLIC_PREFIX + Base64.getEncoder().encodeToString(publicKey));
    }

    /**
     * The {@code whpk_} public key belonging to a {@code whsk_} secret, so that only the secret
     * needs to be stored.
     *
     * @throws IllegalArgumentException if the secret is malformed
     */
    public static String publicKeyOf(String whskSecret) {
        byte[] publicKey = ed25519PrivateKey(whskSecret).generatePublicKey().getEncoded();
        return ED25519_PUBLIC_PREFIX + Base64.getEncoder().encodeToString(publicKey);
    }

    static Ed25519PrivateKeyParameters ed25519PrivateKey(String whskSecret) {
        byte[] seed = decode(whskSecret, ED25519_SECRET_PREFIX, "Ed25519 secret key");
        if (seed.length != ED25519_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "Ed25519 secret key must decode to " + ED25519_KEY_BYTES + " bytes, got " + seed.length);
        }
        return new Ed25519PrivateKeyParameters(seed);
    }

    private static byte[] decode(String secret, String prefix, String what) {
        Objects.requireNonNull(secret, what);
        if (!secret.startsWith(prefix)) {
            throw new IllegalArgumentException(what + " must start with " + prefix);
        }
        try {
            return Base64.getDecoder().decode(secret.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            // The decoder's message can quote the offending character; keep our own message instead.
            throw new IllegalArgumentException(what + " is not valid base64 after " + prefix);
        }
    }
}
