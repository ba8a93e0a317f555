package io.hookrelay.signing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedHeadersTest {

    private static final List<String> SECRETS = List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(UTF_8);

    @Test
    void signFromEpochSecondsMatchesKnownAnswer() {
        SignedHeaders headers = SignedHeaders.sign(SECRETS, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, BODY);

        assertEquals("msg_p5jXN8AQM9LWM0D4loKWxJek", headers.id());
        assertEquals("1614265330", headers.timestamp());
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", headers.signature());
    }

    @Test
    void signFromInstantDropsSubSecondPrecision() {
        Instant instant = Instant.ofEpochSecond(1614265330L, 999_999_999);

        assertEquals(
                SignedHeaders.sign(SECRETS, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, BODY),
                SignedHeaders.sign(SECRETS, "msg_p5jXN8AQM9LWM0D4loKWxJek", instant, BODY));
    }

    @Test
    void signPropagatesBadSecrets() {
        assertThrows(IllegalArgumentException.class,
                () -> SignedHeaders.sign(List.of("nope"), "msg_1", Instant.EPOCH, BODY));
    }
}
