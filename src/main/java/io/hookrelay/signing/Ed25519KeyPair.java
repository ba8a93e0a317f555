package io.hookrelay.signing;

import java.util.Objects;

/**
 * An asymmetric signing key pair in Standard Webhooks encoding: {@code whsk_} + base64 of the
 * 32-byte private seed, and {@code whpk_} + base64 of the 32-byte public key. The secret key stays
 * with Hookrelay; the public key is what subscribers are given to verify {@code v1a} signatures.
 */
public record Ed25519KeyPair(String secretKey, String publicKey) {

    public Ed25519KeyPair {
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    /** Leaves the secret key out so that logging a key pair cannot leak it. */
    @Override
    public String toString() {
        return "Ed25519KeyPair[publicKey=" + publicKey + "]";
    }
}
