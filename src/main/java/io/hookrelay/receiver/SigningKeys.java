package io.hookrelay.receiver;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;

/** Decodes the textual {@code whsec_} / {@code whpk_} key formats into JCA keys. */
final class SigningKeys {

    static final String SECRET_PREFIX = "whsec_";
    static final String PUBLIC_KEY_PREFIX = "whpk_";
    static final String HMAC_ALGORITHM = "HmacSHA256";
    static final int ED25519_KEY_BYTES = 32;

    // JCA only accepts Ed25519 keys as X.509 SubjectPublicKeyInfo; for Ed25519 that structure is this
    // fixed 12-byte DER header (SEQUENCE, AlgorithmIdentifier 1.3.101.112, BIT STRING) + the raw key.
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private SigningKeys() {
    }

    static SecretKeySpec hmacKey(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("webhook secret must start with '" + SECRET_PREFIX + "'");
        }
        byte[] raw = decodeBase64(secret.substring(SECRET_PREFIX.length()), "webhook secret");
        if (raw.length == 0) {
            throw new IllegalArgumentException("webhook secret is empty after '" + SECRET_PREFIX + "'");
        }
        return new SecretKeySpec(raw, HMAC_ALGORITHM);
    }

    static PublicKey ed25519PublicKey(String publicKey) {
        if (publicKey == null || !publicKey.startsWith(PUBLIC_KEY_PREFIX)) {
            throw new IllegalArgumentException("public key must start with '" + PUBLIC_KEY_PREFIX + "'");
        }
        byte[] raw = decodeBase64(publicKey.substring(PUBLIC_KEY_PREFIX.length()), "public key");
        if (raw.length != ED25519_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "public key must decode to " + ED25519_KEY_BYTES + " bytes, got " + raw.length);
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("public key is not a valid Ed25519 key", e);
        }
    }

    private static byte[] decodeBase64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            // The decoder's own message quotes the offending character; drop it so no part of a
            // secret can end up in logs.
            throw new IllegalArgumentException(what + " is not valid base64");
        }
    }
}
