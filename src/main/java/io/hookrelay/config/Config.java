package io.hookrelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every setting the service reads, read once at start-up. See {@link ConfigLoader} for where each comes
 * from and the README for the documented names and defaults.
 */
public record Config(
        String httpHost,
        int httpPort,
        int httpInstances,
        Optional<String> databaseUrl,
        int databasePoolSize,
        Path dataDir,
        Duration embeddedStartTimeout,
        Optional<String> adminToken,
        Optional<String> masterKey,
        boolean allowPrivateTargets,
        int maxPayloadBytes,
        int maxBatchBytes,
        Duration secretRotationOverlap,
        Duration idempotencyTtl,
        Duration shutdownTimeout,
        boolean pollerEnabled,
        Duration streamHeartbeat,
        Delivery delivery,
        Duration attemptRetention) {

    /** How the delivery engine sends, retries and gives up. */
    public record Delivery(
            boolean enabled,
            Duration retryInitial,
            Duration retryMax,
            int retryMaxAttempts,
            Duration retryMaxAge,
            int disableAfterFailures,
            Duration disableAfter,
            Duration connectTimeout,
            Duration timeout,
            int maxInFlightPerSubscription,
            int maxInFlight,
            Duration pollInterval,
            Duration lease) {
    }

    public boolean embeddedDatabase() {
        return databaseUrl.isEmpty();
    }
}
