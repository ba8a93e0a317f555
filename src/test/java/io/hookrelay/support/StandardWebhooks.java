package io.hookrelay.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature checking written from the Standard Webhooks text with plain JCA, independent of the code
 * under test: {@code v1,} + base64(HMAC-SHA256(base64-decoded secret after whsec_, id.timestamp.body)).
 */
public final class StandardWebhooks {

    private StandardWebhooks() {
    }

    public static String sign(String secret, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when any space-separated entry of the header is the signature made with this secret. */
    public static boolean verifies(String secret, String id, String timestamp, byte[] body, String signatureHeader) {
        byte[] expected = sign(secret, id, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        for (String entry : signatureHeader.split(" ")) {
            if (MessageDigest.isEqual(expected, entry.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }
}
