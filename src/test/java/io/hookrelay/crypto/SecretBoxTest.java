package io.hookrelay.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private final SecretBox box = new SecretBox(Tokens.randomBytes(32));

    @Test
    @DisplayName("a sealed secret opens with the same key and context")
    void roundTrip() {
        byte[] sealed = box.seal("whsec_abc", "row-1");
        assertEquals("whsec_abc", box.open(sealed, "row-1"));
        assertNotEquals(Arrays.toString(sealed), Arrays.toString(box.seal("whsec_abc", "row-1")), "a fresh nonce each time");
    }

    @Test
    @DisplayName("another row's context, another key or a flipped bit fails to open")
    void tamperingFails() {
        byte[] sealed = box.seal("whsec_abc", "row-1");
        assertThrows(SecretBox.SecretBoxException.class, () -> box.open(sealed, "row-2"));
        assertThrows(SecretBox.SecretBoxException.class, () -> new SecretBox(Tokens.randomBytes(32)).open(sealed, "row-1"));
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThrows(SecretBox.SecretBoxException.class, () -> box.open(flipped, "row-1"));
        assertThrows(SecretBox.SecretBoxException.class, () -> box.open(new byte[3], "row-1"));
    }

    @Test
    @DisplayName("the key check differs between keys and never contains the key")
    void keyCheck() {
        byte[] key = Tokens.randomBytes(32);
        assertEquals(new SecretBox(key).keyCheck(), new SecretBox(key).keyCheck());
        assertNotEquals(new SecretBox(key).keyCheck(), box.keyCheck());
        assertThrows(IllegalArgumentException.class, () -> new SecretBox(new byte[16]));
    }
}
