package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two instances on one database share the work: every event reaches each subscription exactly once. */
class TwoInstancesTest {

    @Test
    @DisplayName("two instances publishing and delivering together send each event once to a slow receiver")
    void sharedWork() throws Exception {
        TestDatabase db = TestDatabase.get("two-instances");
        Map<String, String> settings = Map.of("HOOKRELAY_DATABASE_URL", db.url().toUrl(),
                "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true", "HOOKRELAY_DELIVERY_POLL_INTERVAL", "PT0.2S");
        Vertx vertx = Vertx.vertx();
        Map<String, Integer> arrivals = new ConcurrentHashMap<>();
        try (Application first = TestService.start(settings);
             Application second = TestService.start(settings);
             Receiver slow = Receiver.start(vertx, (n, request, v) -> {
                 arrivals.merge(request.getHeader("webhook-id"), 1, Integer::sum);
                 Receiver.slow(30).answer(n, request, v);
             })) {
            Tenants tenant = Tenants.create(first, "shared");
            assertEquals(201, tenant.api().post("/v1/subscriptions", new JsonObject().put("url", slow.url())).status());
            io.hookrelay.support.Api viaSecond = tenant.api().onPort(second.httpPort());
            Set<String> published = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                io.hookrelay.support.Api api = i % 2 == 0 ? tenant.api() : viaSecond;
                published.add(api.post("/v1/events", new JsonObject().put("type", "shared.work").put("data", i))
                        .json().getString("id"));
            }
            Receiver.await("all delivered", Duration.ofSeconds(60), () -> arrivals.keySet().containsAll(published));
            Receiver.await("all recorded", Duration.ofSeconds(30),
                    () -> db.count("SELECT count(*) FROM deliveries WHERE status = 'succeeded'") == 200);
            assertTrue(arrivals.values().stream().allMatch(count -> count == 1), "no event was sent twice");
        } finally {
            vertx.close();
        }
    }
}
