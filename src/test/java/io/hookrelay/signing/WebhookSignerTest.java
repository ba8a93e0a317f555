package io.hookrelay.signing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    // Known answer from the Standard Webhooks specification and reference libraries.
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(UTF_8);
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    // DER header of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the raw key.
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    // DER header of a PKCS#8 PrivateKeyInfo for Ed25519, followed by the raw 32-byte seed.
    private static final byte[] ED25519_PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    @Test
    void hmacMatchesStandardWebhooksKnownAnswer() {
        String signature = WebhookSigner.signHmac(
                SigningSecrets.hmacKey(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

        assertEquals(SPEC_SIGNATURE, signature);
    }

    @Test
    void signatureHeaderWithOneSecretMatchesKnownAnswer() {
        String header = WebhookSigner.signatureHeader(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

        assertEquals(SPEC_SIGNATURE, header);
    }

    @Test
    void hmacSignsRawBodyBytesEvenWhenTheyAreNotValidUtf8() throws Exception {
        byte[] key = SigningSecrets.hmacKey(SigningSecrets.newHmacSecret());
        byte[] body = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28, '{', '}'};

        String signature = WebhookSigner.signHmac(key, "msg_1", 42, body);

        assertEquals(referenceHmac(key, "msg_1", 42, body), signature);
    }

    @Test
    void rotationHeaderHoldsOneVerifiableEntryPerSecret() throws Exception {
        String newSecret = SigningSecrets.newHmacSecret();
        String oldSecret = SigningSecrets.newHmacSecret();

        String header = WebhookSigner.signatureHeader(List.of(newSecret, oldSecret), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

        String[] entries = header.split(" ", -1);
        assertEquals(2, entries.length, header);
        assertTrue(entries[0].startsWith("v1,") && entries[1].startsWith("v1,"), header);
        assertTrue(verifyHmac(entries[0], SigningSecrets.hmacKey(newSecret), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        assertTrue(verifyHmac(entries[1], SigningSecrets.hmacKey(oldSecret), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        assertFalse(verifyHmac(entries[0], SigningSecrets.hmacKey(oldSecret), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void ed25519SignatureVerifiesWithJdkProvider() throws Exception {
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();
        byte[] body = "{\"type\":\"invoice.paid\",\"amount\":1250}".getBytes(UTF_8);

        String signature = WebhookSigner.signEd25519(pair.secretKey(), "msg_ed", 1700000000L, body);

        assertTrue(signature.startsWith("v1a,"), signature);
        assertTrue(verifyEd25519WithJdk(signature, pair.publicKey(), "msg_ed", 1700000000L, body));
    }

    @Test
    void ed25519SignatureFailsJdkVerificationOnTamperedInput() throws Exception {
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();
        byte[] body = "{\"amount\":1250}".getBytes(UTF_8);
        String signature = WebhookSigner.signEd25519(pair.secretKey(), "msg_ed", 1700000000L, body);

        byte[] tampered = "{\"amount\":9250}".getBytes(UTF_8);
        assertFalse(verifyEd25519WithJdk(signature, pair.publicKey(), "msg_ed", 1700000000L, tampered));
        assertFalse(verifyEd25519WithJdk(signature, pair.publicKey(), "msg_ed", 1700000001L, body));
        assertFalse(verifyEd25519WithJdk(signature, pair.publicKey(), "msg_other", 1700000000L, body));
        String otherPublicKey = SigningSecrets.newEd25519KeyPair().publicKey();
        assertFalse(verifyEd25519WithJdk(signature, otherPublicKey, "msg_ed", 1700000000L, body));
    }

    @Test
    void ed25519SignatureIsByteIdenticalToJdkSignature() throws Exception {
        // Ed25519 is deterministic, so the JDK signing the same content with the same seed must agree exactly.
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();
        byte[] seed = Base64.getDecoder().decode(pair.secretKey().substring("whsk_".length()));
        byte[] pkcs8 = concat(ED25519_PKCS8_PREFIX, seed);
        PrivateKey privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(privateKey);
        jdk.update(signedContent(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));

        String ours = WebhookSigner.signEd25519(pair.secretKey(), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

        assertEquals("v1a," + Base64.getEncoder().encodeToString(jdk.sign()), ours);
    }

    @Test
    void mixedHeaderSignsHmacAsV1AndEd25519AsV1a() throws Exception {
        String hmacSecret = SigningSecrets.newHmacSecret();
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();

        String header = WebhookSigner.signatureHeader(
                List.of(pair.secretKey(), hmacSecret), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

        String[] entries = header.split(" ", -1);
        assertEquals(2, entries.length, header);
        assertTrue(verifyEd25519WithJdk(entries[0], pair.publicKey(), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        assertTrue(verifyHmac(entries[1], SigningSecrets.hmacKey(hmacSecret), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void signatureHeaderRejectsBadSecrets() {
        String publicKey = SigningSecrets.newEd25519KeyPair().publicKey();
        for (String bad : List.of("", "secret", "whsec_***", "whsk_AAAA", publicKey)) {
            List<String> secrets = List.of(SPEC_SECRET, bad);
            assertThrows(IllegalArgumentException.class,
                    () -> WebhookSigner.signatureHeader(secrets, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), bad);
        }
        assertThrows(IllegalArgumentException.class,
                () -> WebhookSigner.signatureHeader(List.of(), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void signersRejectBadKeys() {
        assertThrows(IllegalArgumentException.class,
                () -> WebhookSigner.signHmac(new byte[0], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        assertThrows(IllegalArgumentException.class,
                () -> WebhookSigner.signEd25519(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        assertThrows(IllegalArgumentException.class,
                () -> WebhookSigner.signEd25519("whsk_c2hvcnQ=", SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void aFailedSignatureDoesNotCorruptTheNextOne() {
        assertThrows(IllegalArgumentException.class,
                () -> WebhookSigner.signHmac(new byte[0], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));

        assertEquals(SPEC_SIGNATURE, WebhookSigner.signHmac(
                SigningSecrets.hmacKey(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void concurrentSigningGivesTheSameAnswersAsSingleThreaded() throws Exception {
        int cases = 400;
        List<String> hmacSecrets = new ArrayList<>();
        List<String> edSecrets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            hmacSecrets.add(SigningSecrets.newHmacSecret());
            edSecrets.add(SigningSecrets.newEd25519KeyPair().secretKey());
        }
        List<Callable<String>> work = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            List<String> secrets = List.of(hmacSecrets.get(i % 8), hmacSecrets.get((i + 3) % 8), edSecrets.get(i % 8));
            String id = "msg_" + i;
            long ts = 1_700_000_000L + i;
            byte[] body = ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i * 7) + "\"}").getBytes(UTF_8);
            work.add(() -> WebhookSigner.signatureHeader(secrets, id, ts, body));
        }
        List<String> expected = new ArrayList<>();
        for (Callable<String> task : work) {
            expected.add(task.call());
        }

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> out = new ArrayList<>();
                    for (Callable<String> task : work) {
                        out.add(task.call());
                    }
                    return out;
                }));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                assertEquals(expected, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Independent of WebhookSigner: a fresh JCA Mac over the concatenated signed content. */
    private static String referenceHmac(byte[] key, String id, long ts, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signedContent(id, ts, body)));
    }

    private static boolean verifyHmac(String entry, byte[] key, String id, long ts, byte[] body) throws Exception {
        return MessageDigest.isEqual(entry.getBytes(UTF_8), referenceHmac(key, id, ts, body).getBytes(UTF_8));
    }

    /** Verifies with the JDK's SunEC provider so that a BouncyCastle bug cannot hide itself. */
    private static boolean verifyEd25519WithJdk(String entry, String whpkPublicKey, String id, long ts, byte[] body)
            throws Exception {
        assertTrue(entry.startsWith("v1a,"), entry);
        byte[] rawPublicKey = Base64.getDecoder().decode(whpkPublicKey.substring("whpk_".length()));
        assertEquals(32, rawPublicKey.length);
        X509EncodedKeySpec spec = new X509EncodedKeySpec(concat(ED25519_X509_PREFIX, rawPublicKey));
        PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(spec);

        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(signedContent(id, ts, body));
        return verifier.verify(Base64.getDecoder().decode(entry.substring("v1a,".length())));
    }

    private static byte[] signedContent(String id, long ts, byte[] body) {
        return concat((id + "." + ts + ".").getBytes(UTF_8), body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
