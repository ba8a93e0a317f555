package io.hookrelay.config;

import java.util.List;

/** The names of all settings, so that {@link ConfigLoader} reads each from every source the same way. */
final class Settings {
    static final List<String> NAMES = List.of(
            "HOOKRELAY_HTTP_HOST",
            "HOOKRELAY_HTTP_PORT",
            "HOOKRELAY_HTTP_INSTANCES",
            "HOOKRELAY_DATABASE_URL",
            "HOOKRELAY_DATABASE_POOL_SIZE",
            "HOOKRELAY_DATA_DIR",
            "HOOKRELAY_EMBEDDED_START_TIMEOUT",
            "HOOKRELAY_ADMIN_TOKEN",
            "HOOKRELAY_MASTER_KEY",
            "HOOKRELAY_ALLOW_PRIVATE_TARGETS",
            "HOOKRELAY_MAX_PAYLOAD_BYTES",
            "HOOKRELAY_MAX_BATCH_BYTES",
            "HOOKRELAY_SECRET_ROTATION_OVERLAP",
            "HOOKRELAY_IDEMPOTENCY_TTL",
            "HOOKRELAY_SHUTDOWN_TIMEOUT",
            "HOOKRELAY_POLLER_ENABLED",
            "HOOKRELAY_STREAM_HEARTBEAT",
            "HOOKRELAY_DELIVERY_ENABLED",
            "HOOKRELAY_RETRY_INITIAL_MS",
            "HOOKRELAY_RETRY_MAX_MS",
            "HOOKRELAY_RETRY_MAX_ATTEMPTS",
            "HOOKRELAY_RETRY_MAX_AGE",
            "HOOKRELAY_DISABLE_AFTER_FAILURES",
            "HOOKRELAY_DISABLE_AFTER",
            "HOOKRELAY_DELIVERY_CONNECT_TIMEOUT",
            "HOOKRELAY_DELIVERY_TIMEOUT",
            "HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION",
            "HOOKRELAY_MAX_IN_FLIGHT",
            "HOOKRELAY_DELIVERY_POLL_INTERVAL",
            "HOOKRELAY_DELIVERY_LEASE",
            "HOOKRELAY_ATTEMPT_RETENTION");

    private Settings() {
    }
}
