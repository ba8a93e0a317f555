package io.hookrelay.receiver;

import static io.hookrelay.receiver.WebhookVerificationException.Reason.MALFORMED_HEADER;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.MISSING_HEADER;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.TIMESTAMP_TOO_NEW;
import static io.hookrelay.receiver.WebhookVerificationException.Reason.TIMESTAMP_TOO_OLD;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Standard Webhooks deliveries: {@code webhook-id}, {@code webhook-timestamp} and
 * {@code webhook-signature} headers, with {@code v1} (HMAC-SHA256) and {@code v1a} (Ed25519)
 * signatures over {@code id + "." + timestamp + "." + body}.
 *
 * <p>Immutable and thread-safe: build one at start-up and share it.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.builder()
 *         .secret(System.getenv("WEBHOOK_SECRET"))
 *         .build();
 * VerifiedWebhook hook = verifier.verify(headers, rawBody);
 * }</pre>
 */
public final class WebhookVerifier {

    public static final String HEADER_ID = "webhook-id";
    public static final String HEADER_TIMESTAMP = "webhook-timestamp";
    public static final String HEADER_SIGNATURE = "webhook-signature";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final List<SecretKeySpec> secrets;
    private final List<PublicKey> publicKeys;
    private final Duration tolerance;
    private final Clock clock;

    private WebhookVerifier(Builder builder) {
        this.secrets = List.copyOf(builder.secrets);
        this.publicKeys = List.copyOf(builder.publicKeys);
        this.tolerance = builder.tolerance;
        this.clock = builder.clock;
    }

    /** A verifier accepting HMAC signatures from any of the given {@code whsec_} secrets. */
    public static WebhookVerifier ofSecrets(String... secrets) {
        return builder().secrets(List.of(secrets)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a delivery given its headers as a map; header names are matched case-insensitively.
     *
     * @param body the raw request body, byte for byte as received (never a re-serialised object)
     */
    public VerifiedWebhook verify(Map<String, String> headers, byte[] body) throws WebhookVerificationException {
        Objects.requireNonNull(headers, "headers");
        return verify((HeaderSource) name -> findIgnoringCase(headers, name), body);
    }

    /**
     * Verifies a delivery given a header lookup, e.g. {@code exchange.getRequestHeaders()::getFirst}.
     * The lookup receives lower-case names and must itself match case-insensitively, as HTTP requires;
     * it returns {@code null} for an absent header.
     */
    public VerifiedWebhook verify(Function<String, String> headerLookup, byte[] body)
            throws WebhookVerificationException {
        Objects.requireNonNull(headerLookup, "headerLookup");
        return verify((HeaderSource) headerLookup::apply, body);
    }

    private VerifiedWebhook verify(HeaderSource headers, byte[] body) throws WebhookVerificationException {
        Objects.requireNonNull(body, "body");
        String id = require(headers, HEADER_ID);
        String timestampText = require(headers, HEADER_TIMESTAMP);
        SignatureHeader signatures = SignatureHeader.parse(require(headers, HEADER_SIGNATURE));
        Instant timestamp = parseTimestamp(timestampText);

        // Checked before the signature: it is cheap, and a stale-but-valid signature is exactly what a
        // replayed request carries.
        checkTolerance(timestamp);

        // The signed prefix uses the timestamp text as sent: re-formatting it (e.g. dropping a leading
        // zero) would change the bytes and break a legitimate signature.
        byte[] prefix = (id + "." + timestampText + ".").getBytes(StandardCharsets.UTF_8);
        if (!matchesHmac(signatures.hmacSha256(), prefix, body) && !matchesEd25519(signatures.ed25519(), prefix, body)) {
            throw new WebhookVerificationException(NO_MATCHING_SIGNATURE,
                    "no " + HEADER_SIGNATURE + " entry matches a configured secret or public key");
        }

        // Parsed only after authentication, so untrusted bytes never reach the JSON reader.
        return new VerifiedWebhook(id, timestamp, body, WebhookEvent.parse(body));
    }

    private boolean matchesHmac(List<byte[]> candidates, byte[] prefix, byte[] body) {
        if (candidates.isEmpty()) {
            return false;
        }
        Mac mac = newHmac();
        for (SecretKeySpec secret : secrets) {
            byte[] expected = hmac(mac, secret, prefix, body);
            for (byte[] candidate : candidates) {
                // Constant-time so response timing does not reveal how many leading bytes were right.
                if (MessageDigest.isEqual(expected, candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean matchesEd25519(List<byte[]> candidates, byte[] prefix, byte[] body) {
        for (PublicKey key : publicKeys) {
            for (byte[] candidate : candidates) {
                if (ed25519Verifies(key, candidate, prefix, body)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean ed25519Verifies(PublicKey key, byte[] signature, byte[] prefix, byte[] body) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(prefix);
            verifier.update(body);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            // A structurally invalid signature (e.g. non-canonical encoding) simply does not match.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable in this JVM", e);
        }
    }

    private static Mac newHmac() {
        try {
            return Mac.getInstance(SigningKeys.HMAC_ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static byte[] hmac(Mac mac, SecretKeySpec secret, byte[] prefix, byte[] body) {
        try {
            mac.init(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 rejected a key it accepted at build time", e);
        }
        mac.update(prefix);
        mac.update(body);
        return mac.doFinal();
    }

    private void checkTolerance(Instant timestamp) throws WebhookVerificationException {
        Instant now = clock.instant();
        if (timestamp.isBefore(now.minus(tolerance))) {
            throw new WebhookVerificationException(TIMESTAMP_TOO_OLD,
                    HEADER_TIMESTAMP + " is more than " + tolerance.toSeconds() + "s in the past");
        }
        if (timestamp.isAfter(now.plus(tolerance))) {
            throw new WebhookVerificationException(TIMESTAMP_TOO_NEW,
                    HEADER_TIMESTAMP + " is more than " + tolerance.toSeconds() + "s in the future");
        }
    }

    private static Instant parseTimestamp(String text) throws WebhookVerificationException {
        // Digits only: Long.parseLong alone would also accept "+5" and "-5".
        if (!text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new WebhookVerificationException(MALFORMED_HEADER, HEADER_TIMESTAMP + " is not unix seconds");
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(text));
        } catch (NumberFormatException | DateTimeException e) {
            throw new WebhookVerificationException(MALFORMED_HEADER, HEADER_TIMESTAMP + " is out of range");
        }
    }

    private static String require(HeaderSource headers, String name) throws WebhookVerificationException {
        String value = headers.get(name);
        if (value == null) {
            throw new WebhookVerificationException(MISSING_HEADER, name + " header is missing");
        }
        // HTTP says surrounding whitespace is not part of a field value.
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            throw new WebhookVerificationException(MALFORMED_HEADER, name + " header is empty");
        }
        return trimmed;
    }

    private static String findIgnoringCase(Map<String, String> headers, String name)
            throws WebhookVerificationException {
        String found = null;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name) && header.getValue() != null) {
                // Two spellings with different values are ambiguous; refuse to guess which was signed.
                if (found != null && !found.equals(header.getValue())) {
                    throw new WebhookVerificationException(MALFORMED_HEADER, name + " header appears twice");
                }
                found = header.getValue();
            }
        }
        return found;
    }

    /** Like {@code Function<String, String>} but allowed to reject ambiguous input. */
    @FunctionalInterface
    private interface HeaderSource {
        String get(String name) throws WebhookVerificationException;
    }

    /** Collects secrets, keys and settings; each key is decoded and validated as soon as it is added. */
    public static final class Builder {

        private final List<SecretKeySpec> secrets = new ArrayList<>();
        private final List<PublicKey> publicKeys = new ArrayList<>();
        private Duration tolerance = DEFAULT_TOLERANCE;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Adds an HMAC secret ({@code whsec_} + base64). Add several during rotation: a delivery passes
         * if it is signed with any of them.
         *
         * @throws IllegalArgumentException if the prefix is missing or the rest is not base64
         */
        public Builder secret(String secret) {
            secrets.add(SigningKeys.hmacKey(secret));
            return this;
        }

        public Builder secrets(Collection<String> secrets) {
            secrets.forEach(this::secret);
            return this;
        }

        /**
         * Adds an Ed25519 public key ({@code whpk_} + base64 of the raw 32-byte key), checked against
         * {@code v1a} signature entries.
         *
         * @throws IllegalArgumentException if the prefix is missing or the key is not 32 bytes
         */
        public Builder publicKey(String publicKey) {
            publicKeys.add(SigningKeys.ed25519PublicKey(publicKey));
            return this;
        }

        public Builder publicKeys(Collection<String> publicKeys) {
            publicKeys.forEach(this::publicKey);
            return this;
        }

        /** How far {@code webhook-timestamp} may be from now, in either direction. Default 5 minutes. */
        public Builder tolerance(Duration tolerance) {
            Objects.requireNonNull(tolerance, "tolerance");
            if (tolerance.isNegative()) {
                throw new IllegalArgumentException("tolerance must not be negative");
            }
            this.tolerance = tolerance;
            return this;
        }

        /** The clock "now" is read from; tests pass a fixed clock. Default: system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @throws IllegalArgumentException if neither a secret nor a public key was added */
        public WebhookVerifier build() {
            if (secrets.isEmpty() && publicKeys.isEmpty()) {
                throw new IllegalArgumentException("at least one whsec_ secret or whpk_ public key is required");
            }
            return new WebhookVerifier(this);
        }
    }
}
