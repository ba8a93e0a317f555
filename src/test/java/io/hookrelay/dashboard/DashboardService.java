package io.hookrelay.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;

/**
 * One delivering instance on a database of its own, for the dashboard tests: loopback receivers allowed,
 * quick retries, and only two attempts per cycle so that failing deliveries end as {@code failed} soon.
 */
final class DashboardService {

    static final Duration PATIENCE = Duration.ofSeconds(20);
    private static Application app;

    private DashboardService() {
    }

    static synchronized Application app() {
        if (app == null) {
            app = TestService.start(Map.of("HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true",
                    "HOOKRELAY_DATABASE_URL", database().url().toUrl(),
                    "HOOKRELAY_RETRY_INITIAL_MS", "100", "HOOKRELAY_RETRY_MAX_MS", "200",
                    "HOOKRELAY_RETRY_MAX_ATTEMPTS", "2",
                    "HOOKRELAY_DELIVERY_TIMEOUT", "PT2S", "HOOKRELAY_DELIVERY_LEASE", "PT10S",
                    "HOOKRELAY_DELIVERY_POLL_INTERVAL", "PT0.2S"));
        }
        return app;
    }

    static TestDatabase database() {
        return TestDatabase.get("dashboard");
    }

    static Api admin() {
        return new Api(app().httpPort(), app().adminToken());
    }

    static JsonObject subscribe(Tenants tenant, String url, JsonObject extra) {
        return tenant.subscribe(url, extra);
    }

    static JsonObject publish(Tenants tenant, String type, Object data) {
        return tenant.publish(type, data);
    }

    static long count(String sql) {
        return database().count(sql);
    }

    static void awaitDeliveries(String subscriptionId, String status, long expected) {
        Receiver.await(expected + " " + status + " deliveries", PATIENCE, () -> count(
                "SELECT count(*) FROM deliveries WHERE subscription_id = '" + subscriptionId + "' AND status = '" + status + "'")
                == expected);
    }
}
