package io.hookrelay.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hookrelay.Application;
import io.vertx.core.json.JsonObject;

/** Creates a tenant with one API key through the admin API, as an operator would. */
public record Tenants(String tenantId, String keyId, Api api) {

    public static Tenants create(Application app, String name) {
        Api admin = new Api(app.httpPort(), app.adminToken());
        Api.Response tenant = admin.post("/v1/tenants", new JsonObject().put("name", name));
        assertEquals(201, tenant.status(), tenant::toString);
        String tenantId = tenant.json().getString("id");
        Api.Response key = admin.post("/v1/tenants/" + tenantId + "/api-keys", new JsonObject().put("name", "tests"));
        assertEquals(201, key.status(), key::toString);
        return new Tenants(tenantId, key.json().getString("id"), new Api(app.httpPort(), key.json().getString("key")));
    }

    /** Creates a subscription to {@code url} with the extra fields, asserting 201. */
    public JsonObject subscribe(String url, JsonObject extra) {
        Api.Response created = api.post("/v1/subscriptions", extra.copy().put("url", url));
        assertEquals(201, created.status(), created::toString);
        return created.json();
    }

    /** Publishes one event, asserting 202. */
    public JsonObject publish(String type, Object data) {
        Api.Response accepted = api.post("/v1/events", new JsonObject().put("type", type).put("data", data));
        assertEquals(202, accepted.status(), accepted::toString);
        return accepted.json();
    }
}
