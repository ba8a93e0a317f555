package io.hookrelay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.ProblemAssertions;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdempotencyTest {

    static Application app;
    static Tenants tenant;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        tenant = Tenants.create(app, "idempotent");
    }

    private static long stored(String url) {
        return TestDatabase.get().count("SELECT count(*) FROM subscriptions WHERE url = '" + url + "'");
    }

    @Test
    @DisplayName("the same key and body answer the first response and store one subscription")
    void replay() {
        String key = UUID.randomUUID().toString();
        String url = "https://93.184.216.34/idem/" + key;
        JsonObject body = new JsonObject().put("url", url);
        Api.Response first = tenant.api().post("/v1/subscriptions", body, Map.of("Idempotency-Key", key));
        Api.Response second = tenant.api().post("/v1/subscriptions", body, Map.of("Idempotency-Key", key));
        assertEquals(201, first.status());
        assertEquals(201, second.status());
        assertEquals(first.json(), second.json(), "the replay carries the very same answer, secret included");
        assertEquals("true", second.header("idempotent-replayed"));
        assertEquals(1, stored(url));
    }

    @Test
    @DisplayName("the same key with a different body answers 409 and stores nothing new")
    void keyReuse() {
        String key = UUID.randomUUID().toString();
        String url = "https://93.184.216.34/reuse/" + key;
        assertEquals(201, tenant.api().post("/v1/subscriptions", new JsonObject().put("url", url),
                Map.of("Idempotency-Key", key)).status());
        Api.Response conflict = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", url + "/other"),
                Map.of("Idempotency-Key", key));
        ProblemAssertions.assertProblem(conflict, 409);
        assertEquals(0, stored(url + "/other"));
    }

    @Test
    @DisplayName("keys are per tenant: another tenant may use the same key for its own request")
    void keysArePerTenant() {
        Tenants other = Tenants.create(app, "idempotent-other");
        String key = UUID.randomUUID().toString();
        Api.Response mine = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/m"),
                Map.of("Idempotency-Key", key));
        Api.Response theirs = other.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/m"),
                Map.of("Idempotency-Key", key));
        assertEquals(201, theirs.status());
        assertNotEquals(mine.json().getString("id"), theirs.json().getString("id"));
    }

    @Test
    @DisplayName("a failed request does not use up its key")
    void failureReleasesKey() {
        String key = UUID.randomUUID().toString();
        String url = "https://93.184.216.34/after-failure/" + key;
        Api.Response refused = tenant.api().post("/v1/subscriptions",
                new JsonObject().put("url", url).put("headers", new JsonObject().put("host", "x")), Map.of("Idempotency-Key", key));
        assertEquals(400, refused.status());
        Api.Response fixed = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", url),
                Map.of("Idempotency-Key", key));
        assertEquals(201, fixed.status(), fixed::toString);
    }

    @Test
    @DisplayName("racing duplicates all get the first answer, and only one subscription exists")
    void race() throws Exception {
        String key = UUID.randomUUID().toString();
        String url = "https://93.184.216.34/race/" + key;
        JsonObject body = new JsonObject().put("url", url);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Api.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(() -> tenant.api().post("/v1/subscriptions", body, Map.of("Idempotency-Key", key)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Api.Response> answer : pool.invokeAll(calls)) {
                assertEquals(201, answer.get().status(), answer.get()::toString);
                ids.add(answer.get().json().getString("id"));
            }
            assertEquals(1, ids.size());
            assertEquals(1, stored(url));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("admin calls are idempotent too")
    void adminCalls() {
        Api admin = new Api(app.httpPort(), app.adminToken());
        String key = UUID.randomUUID().toString();
        JsonObject body = new JsonObject().put("name", "idem-" + key);
        String first = admin.post("/v1/tenants", body, Map.of("Idempotency-Key", key)).json().getString("id");
        String second = admin.post("/v1/tenants", body, Map.of("Idempotency-Key", key)).json().getString("id");
        assertEquals(first, second);
        assertEquals(1, TestDatabase.get().count("SELECT count(*) FROM tenants WHERE name = 'idem-" + key + "'"));
    }
}
