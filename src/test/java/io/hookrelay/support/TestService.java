package io.hookrelay.support;

import io.hookrelay.Application;
import io.hookrelay.config.Config;
import io.hookrelay.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Hookrelay running in the test JVM against the shared test database. The strict instance refuses
 * private callback URLs, as in production; the permissive one allows loopback receivers.
 */
public final class TestService {

    private static Application strict;
    private static Application permissive;

    private TestService() {
    }

    public static synchronized Application strict() {
        if (strict == null) {
            strict = start(Map.of("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "false"));
        }
        return strict;
    }

    public static synchronized Application permissive() {
        if (permissive == null) {
            permissive = start(Map.of("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true"));
        }
        return permissive;
    }

    /** A separate instance with extra settings; the caller closes it. */
    public static Application start(Map<String, String> settings) {
        return Application.start(config(settings));
    }

    public static Config config(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        env.put("HOOKRELAY_DATABASE_URL", TestDatabase.get().url().toUrl());
        env.put("HOOKRELAY_HTTP_PORT", "0");
        env.put("HOOKRELAY_HTTP_HOST", "127.0.0.1");
        env.put("HOOKRELAY_HTTP_INSTANCES", "2");
        env.put("HOOKRELAY_DATA_DIR", dataDir().toString());
        env.put("HOOKRELAY_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        env.put("HOOKRELAY_ADMIN_TOKEN", "test-admin-token-0123456789");
        env.put("HOOKRELAY_MAX_PAYLOAD_BYTES", "65536");
        env.putAll(settings);
        return ConfigLoader.load(env, new Properties());
    }

    private static Path dataDir() {
        try {
            Path dir = Files.createTempDirectory("hookrelay-test");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
