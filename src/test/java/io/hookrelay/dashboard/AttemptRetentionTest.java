package io.hookrelay.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hookrelay.Application;
import io.hookrelay.config.ConfigException;
import io.hookrelay.support.Tenants;
import io.hookrelay.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cleanup of old attempts: only rows past the retention go, in batches, also with two runners at once. */
class AttemptRetentionTest {

    @Test
    @DisplayName("attempts older than the retention are deleted in batches; newer ones and the deliveries stay")
    void deletesOnlyOld() throws Exception {
        Application app = DashboardService.app();
        Tenants tenant = Tenants.create(app, "retention");
        String subscription = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://retention.example.com/h"))
                .json().getString("id");
        String attempts = "SELECT count(*) FROM delivery_attempts WHERE subscription_id = '" + subscription + "'";
        // Old attempts for more than two batches, each on one delivery that keeps a recent attempt too.
        int old = AttemptRetention.BATCH * 2 + 123;
        DashboardService.database().execute("""
                WITH e AS (
                    INSERT INTO events (tenant_id, type, data, dispatched_at)
                    SELECT '%1$s', 'retention.test', '{}', now() FROM generate_series(1, 50) RETURNING id),
                d AS (
                    INSERT INTO deliveries (tenant_id, event_id, subscription_id, status)
                    SELECT '%1$s', id, '%2$s', 'succeeded' FROM e RETURNING id),
                numbered AS (SELECT id, row_number() OVER () AS n FROM d)
                INSERT INTO delivery_attempts (delivery_id, tenant_id, subscription_id, attempt, attempted_at, duration_ms, status_code)
                SELECT (SELECT id FROM numbered WHERE n = 1 + g %% 50), '%1$s', '%2$s', 1,
                       CASE WHEN g <= %3$s THEN now() - interval '31 days' - g * interval '1 second'
                            ELSE now() - interval '29 days' + g * interval '1 second' END,
                       10, 200
                FROM generate_series(1, %3$s + 40) AS g
                """.formatted(tenant.tenantId(), subscription, old));
        assertEquals(old + 40, DashboardService.count(attempts));

        AttemptRetention one = new AttemptRetention(app.vertx(), app.pool(), Duration.ofDays(30), Clock.systemUTC());
        AttemptRetention two = new AttemptRetention(app.vertx(), app.pool(), Duration.ofDays(30), Clock.systemUTC());
        List<Long> deleted = Future.all(one.purge(), two.purge())
                .map(all -> List.of(all.<Long>resultAt(0), all.<Long>resultAt(1))).await(60, TimeUnit.SECONDS);
        assertEquals(40, DashboardService.count(attempts), "every attempt within the 30 days stays");
        assertEquals(0, DashboardService.count(attempts + " AND attempted_at < now() - interval '30 days'"));
        assertEquals(50, DashboardService.count("SELECT count(*) FROM deliveries WHERE subscription_id = '" + subscription + "'"),
                "deliveries are kept; only their old attempts go");
        assertEquals(old, deleted.get(0) + deleted.get(1), "two concurrent runs delete each old attempt exactly once");
        assertEquals(0L, one.purge().await(30, TimeUnit.SECONDS), "nothing is left to delete");
    }

    @Test
    @DisplayName("HOOKRELAY_ATTEMPT_RETENTION is an ISO-8601 duration, 30 days by default, and must be positive")
    void setting() {
        assertEquals(Duration.ofDays(30), TestService.config(Map.of()).attemptRetention());
        assertEquals(Duration.ofDays(7), TestService.config(Map.of("HOOKRELAY_ATTEMPT_RETENTION", "P7D")).attemptRetention());
        assertEquals(Duration.ofHours(12), TestService.config(Map.of("HOOKRELAY_ATTEMPT_RETENTION", "PT12H")).attemptRetention());
        assertThrows(ConfigException.class, () -> TestService.config(Map.of("HOOKRELAY_ATTEMPT_RETENTION", "30 days")));
        assertThrows(ConfigException.class, () -> TestService.config(Map.of("HOOKRELAY_ATTEMPT_RETENTION", "PT0S")));
        assertThrows(ConfigException.class, () -> TestService.config(Map.of("HOOKRELAY_ATTEMPT_RETENTION", "-P1D")));
    }
}
