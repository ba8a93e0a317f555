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
 * Hookrelay running in the test JVM. The strict instance refuses private callback URLs, as in
 * production, and neither delivers nor polls (its subscriptions and sources point at public addresses,
 * which tests never contact). The permissive one allows loopback receivers, delivers, and has a database of its own so
 * it never sees the strict instance's subscriptions.
 */
public final class TestService {

    private static Application strict;
    private static Application permissive;

    private TestService() {
    }

    public static synchronized Application strict() {
        if (strict == null) {
            strict = start(Map.of("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "false", "HOOKRELAY_DELIVERY_ENABLED", "false",
                    "HOOKRELAY_POLLER_ENABLED", "false"));
        }
        return strict;
    }

    public static synchronized Application permissive() {
        if (permissive == null) {
            permissive = start(Map.of("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true",
                    "HOOKRELAY_DATABASE_URL", TestDatabase.get("deliveries").url().toUrl(),
                    "HOOKRELAY_RETRY_INITIAL_MS", "200", "HOOKRELAY_RETRY_MAX_MS", "1000",
                    "HOOKRELAY_DELIVERY_TIMEOUT", "PT2S", "HOOKRELAY_DELIVERY_LEASE", "PT10S",
                    "HOOKRELAY_DELIVERY_POLL_INTERVAL", "PT0.2S"));
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
