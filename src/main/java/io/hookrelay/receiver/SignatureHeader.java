package io.hookrelay.receiver;

import static io.hookrelay.receiver.WebhookVerificationException.Reason.MALFORMED_HEADER;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The parsed {@code webhook-signature} header: a space-separated list of {@code version,base64}
 * entries. Only the versions this library can check are kept; others are skipped so that a sender can
 * add new schemes without breaking existing receivers.
 */
record SignatureHeader(List<byte[]> hmacSha256, List<byte[]> ed25519) {

    static final String HMAC_VERSION = "v1";
    static final String ED25519_VERSION = "v1a";

    // Each Ed25519 entry costs a signature verification per configured key, so an attacker-controlled
    // header must not be allowed to contain an unbounded number of entries.
    static final int MAX_ENTRIES = 32;

    private static final int HMAC_SHA256_BYTES = 32;
    private static final int ED25519_SIGNATURE_BYTES = 64;

    static SignatureHeader parse(String header) throws WebhookVerificationException {
        List<byte[]> hmac = new ArrayList<>();
        List<byte[]> ed = new ArrayList<>();
        int entries = 0;
        for (String entry : header.trim().split(" +")) {
            if (++entries > MAX_ENTRIES) {
                throw malformed("has more than " + MAX_ENTRIES + " entries");
            }
            int comma = entry.indexOf(',');
            if (comma <= 0) {
                throw malformed("entry is not of the form 'version,signature'");
            }
            String version = entry.substring(0, comma);
            String value = entry.substring(comma + 1);
            if (version.equals(HMAC_VERSION)) {
                hmac.add(decode(value, HMAC_SHA256_BYTES, HMAC_VERSION));
            } else if (version.equals(ED25519_VERSION)) {
                ed.add(decode(value, ED25519_SIGNATURE_BYTES, ED25519_VERSION));
            }
        }
        return new SignatureHeader(List.copyOf(hmac), List.copyOf(ed));
    }

    private static byte[] decode(String base64, int expectedLength, String version)
            throws WebhookVerificationException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw malformed(version + " entry is not valid base64");
        }
        if (bytes.length != expectedLength) {
            throw malformed(version + " entry must decode to " + expectedLength + " bytes");
        }
        return bytes;
    }

    private static WebhookVerificationException malformed(String detail) {
        return new WebhookVerificationException(MALFORMED_HEADER,
                WebhookVerifier.HEADER_SIGNATURE + " " + detail);
    }
}
