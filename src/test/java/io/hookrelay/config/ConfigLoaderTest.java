package io.hookrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    @DisplayName("with nothing set, the documented defaults apply")
    void defaults() {
        Config config = ConfigLoader.load(Map.of(), new Properties());
        assertEquals(8080, config.httpPort());
        assertEquals(Path.of("./data"), config.dataDir());
        assertTrue(config.embeddedDatabase());
        assertFalse(config.allowPrivateTargets());
        assertTrue(config.adminToken().isEmpty());
        assertEquals(256 * 1024, config.maxPayloadBytes());
        assertEquals(4 * 1024 * 1024, config.maxBatchBytes());
        assertEquals(Duration.ofHours(24), config.secretRotationOverlap());
        assertEquals(Duration.ofHours(24), config.idempotencyTtl());
    }

    @Test
    @DisplayName("environment beats system properties, which beat the config file")
    void precedence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hookrelay.properties");
        Files.writeString(file, "HOOKRELAY_HTTP_PORT=7000\nHOOKRELAY_DATA_DIR=/from/file\nHOOKRELAY_ALLOW_PRIVATE_TARGETS=true\n");
        Properties system = new Properties();
        system.setProperty("hookrelay.http.port", "7001");
        system.setProperty("HOOKRELAY_DATA_DIR", "/from/property");
        Config config = ConfigLoader.load(Map.of("HOOKRELAY_CONFIG_FILE", file.toString(), "HOOKRELAY_HTTP_PORT", "7002"), system);
        assertEquals(7002, config.httpPort());
        assertEquals(Path.of("/from/property"), config.dataDir());
        assertTrue(config.allowPrivateTargets());
    }

    @Test
    @DisplayName("malformed settings stop start-up with a message naming the setting")
    void malformed() {
        assertTrue(assertThrows(ConfigException.class, () -> load("HOOKRELAY_HTTP_PORT", "eighty")).getMessage()
                .contains("HOOKRELAY_HTTP_PORT"));
        assertThrows(ConfigException.class, () -> load("HOOKRELAY_HTTP_PORT", "70000"));
        assertThrows(ConfigException.class, () -> load("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "maybe"));
        assertTrue(assertThrows(ConfigException.class, () -> load("HOOKRELAY_SECRET_ROTATION_OVERLAP", "24h")).getMessage()
                .contains("ISO-8601"));
        assertThrows(ConfigException.class, () -> load("HOOKRELAY_IDEMPOTENCY_TTL", "-PT1H"));
        assertThrows(ConfigException.class, () -> load("HOOKRELAY_CONFIG_FILE", "/no/such/file.properties"));
        assertTrue(assertThrows(ConfigException.class, () -> load("HOOKRELAY_MAX_BATCH_BYTES", "100")).getMessage()
                .contains("HOOKRELAY_MAX_BATCH_BYTES"));
        assertThrows(ConfigException.class, () -> load("HOOKRELAY_MAX_BATCH_BYTES", "4MiB"));
        assertEquals(1 << 20, load("HOOKRELAY_MAX_BATCH_BYTES", "1048576").maxBatchBytes());
        assertEquals(Duration.ofDays(5), load("HOOKRELAY_SECRET_ROTATION_OVERLAP", "P5D").secretRotationOverlap());
    }

    private static Config load(String name, String value) {
        return ConfigLoader.load(Map.of(name, value), new Properties());
    }
}
