package io.hookrelay.delivery;

import io.hookrelay.crypto.SecretBox;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sealed signing secrets, opened once and kept for the next deliveries of the same subscription. Opening one
 * (a cipher lookup and an AES-GCM decryption) cost more than the signature it is for, on every delivery.
 * The sealed bytes are the key: a rotated or changed secret is sealed anew with a fresh nonce, so it misses
 * and is opened, and the old entry ages out. Bounded, least recently used first out; not thread-safe (the
 * delivery engine's event loop alone uses it).
 */
final class OpenedSecrets {

    private record Key(String context, ByteBuffer sealed) {
    }

    private final SecretBox secretBox;
    private final Map<Key, String> opened;

    OpenedSecrets(SecretBox secretBox, int capacity) {
        this.secretBox = secretBox;
        this.opened = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > capacity;
            }
        };
    }

    String open(byte[] sealed, String context) {
        Key key = new Key(context, ByteBuffer.wrap(sealed));
        String secret = opened.get(key);
        if (secret == null) {
            // Failures are not kept: a master key problem must show on every attempt.
            secret = secretBox.open(sealed, context);
            opened.put(key, secret);
        }
        return secret;
    }

    int size() {
        return opened.size();
    }
}
