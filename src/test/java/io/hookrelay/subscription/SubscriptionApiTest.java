package io.hookrelay.subscription;

import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SubscriptionApiTest {

    static Application app;
    static Tenants acme;
    static Tenants globex;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        acme = Tenants.create(app, "acme");
        globex = Tenants.create(app, "globex");
    }

    static JsonObject create(Tenants tenant, JsonObject body) {
        Api.Response created = tenant.api().post("/v1/subscriptions", body);
        assertEquals(201, created.status(), created::toString);
        return created.json();
    }

    @Test
    @DisplayName("a created subscription answers its fields and a whsec_ secret of 32 random bytes, once")
    void create() {
        JsonObject sub = create(acme, new JsonObject()
                .put("url", "https://93.184.216.34/hooks/orders")
                .put("event_types", new JsonArray().add("order.*").add("invoice.paid").add("order.*"))
                .put("description", "orders\nand invoices")
                .put("headers", new JsonObject().put("X-Team", "payments").put("Authorization", "Bearer abc"))
                .put("metadata", new JsonObject().put("owner", "ops")));
        assertNotNull(sub.getString("id"));
        assertEquals("https://93.184.216.34/hooks/orders", sub.getString("url"));
        assertEquals(new JsonArray().add("order.*").add("invoice.paid"), sub.getJsonArray("event_types"));
        assertEquals("active", sub.getString("status"));
        assertNull(sub.getString("disabled_reason"));
        assertEquals("payments", sub.getJsonObject("headers").getString("x-team"));
        assertEquals("ops", sub.getJsonObject("metadata").getString("owner"));
        assertNotNull(sub.getString("created_at"));
        String secret = sub.getString("secret");
        assertTrue(secret.startsWith("whsec_"), secret);
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);

        Api.Response read = acme.api().get("/v1/subscriptions/" + sub.getString("id"));
        assertEquals(200, read.status());
        assertFalse(read.json().containsKey("secret"), "reads never carry the secret");
        assertFalse(acme.api().get("/v1/subscriptions?limit=200").body().contains(secret), "lists never carry it");
        assertEquals(secret, acme.api().get("/v1/subscriptions/" + sub.getString("id") + "/secret").json().getString("secret"));

        assertEquals(0, TestDatabase.get().count(
                "SELECT count(*) FROM subscriptions s WHERE position('" + secret.substring(6) + "' in s::text) > 0"
                        + " OR position('" + secret.substring(6) + "' in encode(s.secret_enc, 'base64')) > 0"),
                "the secret is encrypted at rest");
    }

    @Test
    @DisplayName("no event types means all events, and wildcards are accepted")
    void eventTypesDefaultToAll() {
        JsonObject sub = create(acme, new JsonObject().put("url", "https://93.184.216.34/all"));
        assertEquals(new JsonArray(), sub.getJsonArray("event_types"));
        JsonObject star = create(acme, new JsonObject().put("url", "https://93.184.216.34/star")
                .put("event_types", new JsonArray().add("*")));
        assertEquals(new JsonArray().add("*"), star.getJsonArray("event_types"));
        for (String bad : List.of("order.", ".order", "order.*.x", "or der", "order..x", "*.order")) {
            Api.Response refused = acme.api().post("/v1/subscriptions", new JsonObject()
                    .put("url", "https://93.184.216.34/x").put("event_types", new JsonArray().add(bad)));
            assertEquals(400, refused.status(), bad + " -> " + refused);
        }
    }

    @Test
    @DisplayName("PATCH changes only the fields sent; null clears description, headers and metadata")
    void update() {
        JsonObject sub = create(acme, new JsonObject().put("url", "https://93.184.216.34/a")
                .put("description", "before").put("headers", new JsonObject().put("x-a", "1"))
                .put("event_types", new JsonArray().add("a.b")));
        String path = "/v1/subscriptions/" + sub.getString("id");

        Api.Response patched = acme.api().patch(path, new JsonObject().put("url", "https://93.184.216.34/b"));
        assertEquals(200, patched.status(), patched::toString);
        assertEquals("https://93.184.216.34/b", patched.json().getString("url"));
        assertEquals("before", patched.json().getString("description"));
        assertEquals(new JsonArray().add("a.b"), patched.json().getJsonArray("event_types"));

        JsonObject cleared = acme.api().patch(path, new JsonObject().putNull("description").putNull("headers")
                .put("event_types", new JsonArray())).json();
        assertNull(cleared.getString("description"));
        assertEquals(new JsonObject(), cleared.getJsonObject("headers"));
        assertEquals(new JsonArray(), cleared.getJsonArray("event_types"));
        assertFalse(cleared.containsKey("secret"));

        assertEquals(400, acme.api().patch(path, new JsonObject()).status(), "an empty patch says nothing");
        assertEquals(400, acme.api().patch(path, new JsonObject().put("status", "disabled")).status(),
                "status changes go through enable and disable");
        assertEquals(422, acme.api().patch(path, new JsonObject().put("url", "http://169.254.169.254/")).status());
        assertEquals("https://93.184.216.34/b", acme.api().get(path).json().getString("url"));
    }

    @Test
    @DisplayName("subscriptions page newest first with next_cursor until the last page")
    void pagination() {
        Tenants tenant = Tenants.create(app, "pager");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(0, create(tenant, new JsonObject().put("url", "https://93.184.216.34/" + i)).getString("id"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = tenant.api().get("/v1/subscriptions?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.getJsonArray("data").forEach(item -> seen.add(((JsonObject) item).getString("id")));
            cursor = page.getString("next_cursor");
        } while (cursor != null && seen.size() < 100);
        assertEquals(ids, seen, "newest first, each exactly once");
    }

    @Test
    @DisplayName("rotating keeps the old secret for the overlap, and the new one becomes current")
    void rotate() {
        JsonObject sub = create(acme, new JsonObject().put("url", "https://93.184.216.34/rotate"));
        String path = "/v1/subscriptions/" + sub.getString("id");
        Api.Response rotated = acme.api().post(path + "/secret/rotate", null);
        assertEquals(200, rotated.status(), rotated::toString);
        JsonObject secrets = rotated.json();
        assertNotEquals(sub.getString("secret"), secrets.getString("secret"));
        assertTrue(secrets.getString("secret").startsWith("whsec_"));
        assertEquals(sub.getString("secret"), secrets.getString("previous_secret"));
        Instant expires = Instant.parse(secrets.getString("previous_secret_expires_at"));
        Duration left = Duration.between(Instant.now(), expires);
        assertTrue(left.compareTo(Duration.ofHours(23)) > 0 && left.compareTo(Duration.ofHours(25)) < 0, left::toString);
        assertEquals(secrets, acme.api().get(path + "/secret").json());
    }

    @Test
    @DisplayName("disable records a reason, enable clears it, and delete removes the subscription")
    void lifecycle() {
        JsonObject sub = create(acme, new JsonObject().put("url", "https://93.184.216.34/life"));
        String path = "/v1/subscriptions/" + sub.getString("id");
        JsonObject disabled = acme.api().post(path + "/disable", new JsonObject().put("reason", "maintenance")).json();
        assertEquals("disabled", disabled.getString("status"));
        assertEquals("maintenance", disabled.getString("disabled_reason"));
        assertNotNull(disabled.getString("disabled_at"));
        JsonObject plain = acme.api().post(path + "/disable", null).json();
        assertEquals("maintenance", plain.getString("disabled_reason"), "disabling twice keeps the first reason");

        JsonObject enabled = acme.api().post(path + "/enable", null).json();
        assertEquals("active", enabled.getString("status"));
        assertNull(enabled.getString("disabled_reason"));
        assertEquals("disabled by the tenant",
                acme.api().post(path + "/disable", null).json().getString("disabled_reason"));

        assertEquals(204, acme.api().delete(path).status());
        assertEquals(404, acme.api().get(path).status());
        assertEquals(404, acme.api().delete(path).status());
    }

    @Test
    @DisplayName("another tenant's subscription answers 404 on every route and stays unchanged")
    void tenantsAreIsolated() {
        JsonObject sub = create(acme, new JsonObject().put("url", "https://93.184.216.34/private")
                .put("description", "acme only"));
        String path = "/v1/subscriptions/" + sub.getString("id");
        Api other = globex.api();
        List<Api.Response> answers = List.of(
                other.get(path),
                other.patch(path, new JsonObject().put("description", "pwned")),
                other.delete(path),
                other.get(path + "/secret"),
                other.post(path + "/secret/rotate", null),
                other.post(path + "/enable", null),
                other.post(path + "/disable", null));
        for (Api.Response answer : answers) {
            assertEquals(404, answer.status(), answer::toString);
            assertEquals("application/problem+json", answer.header("content-type"));
            assertFalse(answer.body().contains("acme only"));
        }
        JsonObject after = acme.api().get(path).json();
        assertEquals("acme only", after.getString("description"));
        assertEquals("active", after.getString("status"));
        assertEquals(sub.getString("secret"), acme.api().get(path + "/secret").json().getString("secret"));
        assertFalse(other.get("/v1/subscriptions?limit=200").body().contains(sub.getString("id")));
    }

    @Test
    @DisplayName("a loopback or private callback URL is a 422 whose detail names the operator's setting that allows it")
    void privateTargetsNameTheSetting() {
        for (String url : List.of("http://127.0.0.1:9000/hook", "http://localhost/in", "http://10.0.0.7/in",
                "http://[::1]/in")) {
            Api.Response refused = acme.api().post("/v1/subscriptions", new JsonObject().put("url", url));
            assertProblem(refused, 422);
            assertTrue(refused.json().getString("type").endsWith("/url-not-allowed"), refused::toString);
            String detail = refused.json().getString("detail");
            assertTrue(detail.contains("start-up setting HOOKRELAY_ALLOW_PRIVATE_TARGETS=true"), detail);
        }
        assertEquals("url: URL host '127.0.0.1' is a loopback address; only public internet addresses are allowed;"
                        + " the operator can allow private and loopback targets with the start-up setting"
                        + " HOOKRELAY_ALLOW_PRIVATE_TARGETS=true",
                acme.api().post("/v1/subscriptions", new JsonObject().put("url", "http://127.0.0.1/")).json()
                        .getString("detail"));
        Api.Response malformed = acme.api().post("/v1/subscriptions", new JsonObject().put("url", "ftp://93.184.216.34/"));
        assertProblem(malformed, 422);
        assertFalse(malformed.json().getString("detail").contains("HOOKRELAY_ALLOW_PRIVATE_TARGETS"),
                "the setting does not lift a syntax rule: " + malformed);
    }

    @Test
    @DisplayName("a host name that does not resolve yet is accepted; one that resolves to a private address is not")
    void unresolvedNames() {
        Api.Response accepted = acme.api().post("/v1/subscriptions",
                new JsonObject().put("url", "https://hooks.hookrelay-test.invalid/in"));
        assertEquals(201, accepted.status(), accepted::toString);
        assertEquals(422, acme.api().post("/v1/subscriptions", new JsonObject().put("url", "http://localhost/in")).status());
    }
}
