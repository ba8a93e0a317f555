package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hookrelay.crypto.SecretBox;
import io.hookrelay.crypto.Tokens;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenedSecretsTest {

    private final SecretBox box = new SecretBox(Tokens.randomBytes(32));

    @Test
    @DisplayName("an opened secret is kept for the same sealed bytes and context, and a rotated one is opened anew")
    void keepsAndRenews() {
        OpenedSecrets secrets = new OpenedSecrets(box, 8);
        byte[] first = box.seal("whsec_first", "sub-1");
        assertEquals("whsec_first", secrets.open(first, "sub-1"));
        assertEquals("whsec_first", secrets.open(first.clone(), "sub-1"), "equal bytes find the opened secret");
        assertEquals(1, secrets.size());
        byte[] rotated = box.seal("whsec_second", "sub-1");
        assertEquals("whsec_second", secrets.open(rotated, "sub-1"), "a new seal is a new key");
        assertEquals(2, secrets.size());
    }

    @Test
    @DisplayName("a secret sealed for another subscription or another master key still fails, every time")
    void failuresAreNotKept() {
        OpenedSecrets secrets = new OpenedSecrets(box, 8);
        byte[] sealed = box.seal("whsec_first", "sub-1");
        assertEquals("whsec_first", secrets.open(sealed, "sub-1"));
        assertThrows(SecretBox.SecretBoxException.class, () -> secrets.open(sealed, "sub-2"), "context is part of the key");
        assertThrows(SecretBox.SecretBoxException.class, () -> secrets.open(sealed, "sub-2"));
        OpenedSecrets otherKey = new OpenedSecrets(new SecretBox(Tokens.randomBytes(32)), 8);
        assertThrows(SecretBox.SecretBoxException.class, () -> otherKey.open(sealed, "sub-1"));
        assertEquals(0, otherKey.size());
    }

    @Test
    @DisplayName("at most its capacity is kept, the least recently used going first")
    void bounded() {
        OpenedSecrets secrets = new OpenedSecrets(box, 2);
        byte[] a = box.seal("a", "s");
        byte[] b = box.seal("b", "s");
        byte[] c = box.seal("c", "s");
        secrets.open(a, "s");
        secrets.open(b, "s");
        secrets.open(a, "s");
        secrets.open(c, "s");
        assertEquals(2, secrets.size());
        assertEquals("a", secrets.open(a, "s"));
        assertEquals(2, secrets.size(), "a was used last, so b went");
    }
}
