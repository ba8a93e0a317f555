package io.hookrelay.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TenantApiTest {

    static Application app;
    static Api admin;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        admin = new Api(app.httpPort(), app.adminToken());
    }

    @Test
    @DisplayName("an operator creates a tenant, then a key that is shown once and stored only as a hash")
    void createTenantAndKey() {
        Api.Response tenant = admin.post("/v1/tenants", new JsonObject().put("name", "  Acme Corp  "));
        assertEquals(201, tenant.status(), tenant::toString);
        assertEquals("Acme Corp", tenant.json().getString("name"));
        String tenantId = tenant.json().getString("id");
        assertNotNull(tenant.json().getString("created_at"));

        Api.Response key = admin.post("/v1/tenants/" + tenantId + "/api-keys", new JsonObject().put("name", "ci"));
        assertEquals(201, key.status(), key::toString);
        String secret = key.json().getString("key");
        assertTrue(secret.startsWith("hr_") && secret.length() > 40, secret);
        assertEquals(tenantId, key.json().getString("tenant_id"));
        assertTrue(secret.startsWith(key.json().getString("prefix")));

        Api.Response read = admin.get("/v1/api-keys/" + key.json().getString("id"));
        assertEquals(200, read.status());
        assertFalse(read.json().containsKey("key"), "the key is shown only when created");
        Api.Response list = admin.get("/v1/tenants/" + tenantId + "/api-keys");
        assertEquals(1, list.json().getJsonArray("data").size());
        assertFalse(list.body().contains(secret));

        assertEquals(0, TestDatabase.get().count(
                "SELECT count(*) FROM api_keys k WHERE position('" + secret + "' in k::text) > 0"), "the key is not stored");
        assertEquals(1, TestDatabase.get().count(
                "SELECT count(*) FROM api_keys WHERE key_hash = sha256('" + secret + "'::bytea)"), "its hash is");
        assertEquals(200, new Api(app.httpPort(), secret).get("/v1/subscriptions").status());
    }

    @Test
    @DisplayName("a revoked key stops working at once and answers 401")
    void revokedKeyIsRefused() {
        String tenantId = admin.post("/v1/tenants", new JsonObject().put("name", "revokes")).json().getString("id");
        JsonObject key = admin.post("/v1/tenants/" + tenantId + "/api-keys", null).json();
        Api tenant = new Api(app.httpPort(), key.getString("key"));
        assertEquals(200, tenant.get("/v1/subscriptions").status());

        Api.Response revoked = admin.delete("/v1/api-keys/" + key.getString("id"));
        assertEquals(200, revoked.status(), revoked::toString);
        assertNotNull(revoked.json().getString("revoked_at"));

        Api.Response refused = tenant.get("/v1/subscriptions");
        assertEquals(401, refused.status());
        assertEquals("application/problem+json", refused.header("content-type"));
        assertTrue(refused.json().getString("detail").contains("revoked"));
    }

    @Test
    @DisplayName("calls without a token, with a wrong token, or with a tenant key on admin routes are refused")
    void authenticationIsRequired() {
        Api anonymous = new Api(app.httpPort(), null);
        assertEquals(401, anonymous.get("/v1/tenants").status());
        assertEquals(401, anonymous.post("/v1/tenants", new JsonObject().put("name", "x")).status());
        assertEquals(401, admin.as("hr_not-a-real-key").get("/v1/subscriptions").status());
        assertEquals(401, anonymous.send("GET", "/v1/tenants", null, java.util.Map.of("Authorization", "Basic YWRtaW46YWRtaW4=")).status());

        String tenantId = admin.post("/v1/tenants", new JsonObject().put("name", "not admin")).json().getString("id");
        String key = admin.post("/v1/tenants/" + tenantId + "/api-keys", null).json().getString("key");
        Api.Response forbidden = admin.as(key).post("/v1/tenants", new JsonObject().put("name", "sneaky"));
        assertEquals(403, forbidden.status());
        assertEquals(403, admin.as(key).get("/v1/tenants/" + tenantId).status());
        assertEquals(403, admin.get("/v1/subscriptions").status(), "the admin token does not act as a tenant");
    }

    @Test
    @DisplayName("tenants page newest first with an opaque cursor, and unknown ids answer 404")
    void listAndRead() {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            created.add(admin.post("/v1/tenants", new JsonObject().put("name", "paged " + i)).json().getString("id"));
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            Api.Response page = admin.get("/v1/tenants?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page::toString);
            JsonArray data = page.json().getJsonArray("data");
            assertTrue(data.size() <= 2);
            for (int i = 0; i < data.size(); i++) {
                assertTrue(seen.add(data.getJsonObject(i).getString("id")), "no tenant appears twice");
            }
            cursor = page.json().getString("next_cursor");
            pages++;
        } while (cursor != null && pages < 1000);
        assertTrue(seen.containsAll(created));

        String id = created.iterator().next();
        assertEquals(id, admin.get("/v1/tenants/" + id).json().getString("id"));
        assertEquals(404, admin.get("/v1/tenants/0190d4a8-7b7c-7000-8000-000000000000").status());
        assertEquals(404, admin.get("/v1/tenants/not-a-uuid").status());
        assertEquals(404, admin.post("/v1/tenants/0190d4a8-7b7c-7000-8000-000000000000/api-keys", null).status());
        assertEquals(404, admin.delete("/v1/api-keys/0190d4a8-7b7c-7000-8000-000000000000").status());
        assertEquals(400, admin.get("/v1/tenants?cursor=garbage").status());
        assertEquals(400, admin.get("/v1/tenants?limit=0").status());
        assertEquals(400, admin.get("/v1/tenants?limit=abc").status());
        assertNotEquals(500, admin.get("/v1/tenants?limit=99999999999999999999").status());
    }

    @Test
    @DisplayName("an empty, blank or control-character name is refused and nothing is stored")
    void badNames() {
        long before = TestDatabase.get().count("SELECT count(*) FROM tenants");
        assertEquals(400, admin.post("/v1/tenants", new JsonObject().put("name", "")).status());
        assertEquals(400, admin.post("/v1/tenants", new JsonObject().put("name", "   ")).status());
        assertEquals(400, admin.post("/v1/tenants", new JsonObject().put("name", "a\u0000b")).status());
        assertEquals(400, admin.post("/v1/tenants", new JsonObject()).status());
        assertEquals(400, admin.post("/v1/tenants", new JsonObject().put("name", 42)).status());
        assertEquals(400, admin.post("/v1/tenants", new JsonObject().put("name", "x".repeat(201))).status());
        assertEquals(before, TestDatabase.get().count("SELECT count(*) FROM tenants"));
    }
}
