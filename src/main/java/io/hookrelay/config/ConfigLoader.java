package io.hookrelay.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Reads {@link Config} from, in order of precedence: environment variables ({@code HOOKRELAY_HTTP_PORT}),
 * Java system properties (the same name, or the dotted lower-case form {@code hookrelay.http.port}), and
 * an optional properties file named by {@code HOOKRELAY_CONFIG_FILE} using the environment-variable names.
 */
public final class ConfigLoader {

    private final Map<String, String> values;

    private ConfigLoader(Map<String, String> values) {
        this.values = values;
    }

    public static Config fromEnvironment() {
        return load(System.getenv(), System.getProperties());
    }

    public static Config load(Map<String, String> env, Properties systemProperties) {
        Map<String, String> merged = new HashMap<>();
        Function<String, String> early = name -> lookup(name, env, systemProperties, Map.of());
        String file = early.apply("HOOKRELAY_CONFIG_FILE");
        Map<String, String> fromFile = file == null ? Map.of() : readFile(Path.of(file));
        for (String name : Settings.NAMES) {
            String value = lookup(name, env, systemProperties, fromFile);
            if (value != null) {
                merged.put(name, value);
            }
        }
        return new ConfigLoader(merged).build();
    }

    private Config build() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new Config(
                string("HOOKRELAY_HTTP_HOST", "0.0.0.0"),
                integer("HOOKRELAY_HTTP_PORT", 8080, 0, 65535),
                integer("HOOKRELAY_HTTP_INSTANCES", cores, 1, 256),
                optional("HOOKRELAY_DATABASE_URL"),
                integer("HOOKRELAY_DATABASE_POOL_SIZE", 8, 1, 500),
                Path.of(string("HOOKRELAY_DATA_DIR", "./data")),
                positive("HOOKRELAY_EMBEDDED_START_TIMEOUT", Duration.ofSeconds(60)),
                optional("HOOKRELAY_ADMIN_TOKEN"),
                optional("HOOKRELAY_MASTER_KEY"),
                bool("HOOKRELAY_ALLOW_PRIVATE_TARGETS", false),
                integer("HOOKRELAY_MAX_PAYLOAD_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024),
                integer("HOOKRELAY_MAX_BATCH_BYTES", 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
                duration("HOOKRELAY_SECRET_ROTATION_OVERLAP", Duration.ofHours(24)),
                duration("HOOKRELAY_IDEMPOTENCY_TTL", Duration.ofHours(24)),
                duration("HOOKRELAY_SHUTDOWN_TIMEOUT", Duration.ofSeconds(10)),
                bool("HOOKRELAY_POLLER_ENABLED", true),
                positive("HOOKRELAY_STREAM_HEARTBEAT", Duration.ofSeconds(15)),
                delivery(),
                positive("HOOKRELAY_ATTEMPT_RETENTION", Duration.ofDays(30)));
    }

    private Config.Delivery delivery() {
        Duration timeout = positive("HOOKRELAY_DELIVERY_TIMEOUT", Duration.ofSeconds(15));
        Duration lease = duration("HOOKRELAY_DELIVERY_LEASE", Duration.ofSeconds(60));
        if (lease.compareTo(timeout.multipliedBy(2)) < 0) {
            throw new ConfigException("HOOKRELAY_DELIVERY_LEASE must be at least twice HOOKRELAY_DELIVERY_TIMEOUT,"
                    + " or a slow send would be claimed again by another instance while still running");
        }
        return new Config.Delivery(
                bool("HOOKRELAY_DELIVERY_ENABLED", true),
                Duration.ofMillis(integer("HOOKRELAY_RETRY_INITIAL_MS", 5_000, 1, Integer.MAX_VALUE)),
                Duration.ofMillis(integer("HOOKRELAY_RETRY_MAX_MS", 8 * 3600 * 1000, 1, Integer.MAX_VALUE)),
                integer("HOOKRELAY_RETRY_MAX_ATTEMPTS", 25, 1, 1000),
                duration("HOOKRELAY_RETRY_MAX_AGE", Duration.ofDays(3)),
                integer("HOOKRELAY_DISABLE_AFTER_FAILURES", 10, 1, 1_000_000),
                duration("HOOKRELAY_DISABLE_AFTER", Duration.ofDays(5)),
                positive("HOOKRELAY_DELIVERY_CONNECT_TIMEOUT", Duration.ofSeconds(5)),
                timeout,
                integer("HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION", 8, 1, 1000),
                integer("HOOKRELAY_MAX_IN_FLIGHT", 512, 1, 100_000),
                positive("HOOKRELAY_DELIVERY_POLL_INTERVAL", Duration.ofSeconds(1)),
                lease);
    }

    private static String lookup(String name, Map<String, String> env, Properties sys, Map<String, String> file) {
        String value = env.get(name);
        if (isBlank(value)) {
            value = sys.getProperty(name);
        }
        if (isBlank(value)) {
            value = sys.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        if (isBlank(value)) {
            value = file.get(name);
        }
        return isBlank(value) ? null : value.trim();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static Map<String, String> readFile(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read HOOKRELAY_CONFIG_FILE " + path + ": " + e.getMessage());
        }
        Map<String, String> map = new HashMap<>();
        properties.forEach((k, v) -> map.put(k.toString().trim(), v.toString()));
        return map;
    }

    private Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    private String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    private int integer(String name, int fallback, int min, int max) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + raw);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + raw + "'");
        }
    }

    private boolean bool(String name, boolean fallback) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + raw + "'");
        };
    }

    /** A duration that must be longer than zero, e.g. a timer period. */
    private Duration positive(String name, Duration fallback) {
        Duration value = duration(name, fallback);
        if (value.isZero() || value.toMillis() < 1) {
            throw new ConfigException(name + " must be at least 1 millisecond");
        }
        return value;
    }

    private Duration duration(String name, Duration fallback) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            Duration value = Duration.parse(raw);
            if (value.isNegative()) {
                throw new ConfigException(name + " must not be negative, got " + raw);
            }
            return value;
        } catch (DateTimeParseException e) {
            throw new ConfigException(name + " must be an ISO-8601 duration such as PT24H or P5D, got '" + raw + "'");
        }
    }

}
