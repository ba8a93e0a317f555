package io.hookrelay.source;

import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Polled http sources through the API, on the strict instance that refuses private URLs. */
class SourceApiTest {

    static final String PUBLIC_URL = "https://93.184.216.34/x";

    static Application app;
    static Api admin;
    static Tenants acme;
    static Tenants globex;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        admin = new Api(app.httpPort(), app.adminToken());
        acme = Tenants.create(app, "http-sources-acme");
        globex = Tenants.create(app, "http-sources-globex");
    }

    static JsonObject http(String url) {
        return new JsonObject().put("kind", "http").put("url", url);
    }

    static JsonObject create(Api as, JsonObject body) {
        Api.Response created = as.post("/v1/sources", body);
        assertEquals(201, created.status(), created::toString);
        return created.json();
    }

    static long stored(Tenants tenant) {
        return SourceDb.count("SELECT count(*) FROM sources WHERE tenant_id = '" + tenant.tenantId() + "'");
    }

    @Test
    @DisplayName("a tenant creates an http source on a public address; it is due for polling at once")
    void createHttpSource() {
        Instant before = Instant.now();
        JsonObject source = create(acme.api(), http(PUBLIC_URL).put("interval", "PT30S").put("include_body", true));
        assertNotNull(UUID.fromString(source.getString("id")));
        assertEquals(acme.tenantId(), source.getString("tenant_id"));
        assertEquals("http", source.getString("kind"));
        assertEquals(PUBLIC_URL, source.getString("url"));
        assertEquals(30, source.getInteger("interval_seconds"));
        assertTrue(source.getBoolean("include_body"));
        assertEquals(new JsonObject(), source.getJsonObject("headers"));
        assertEquals(0, source.getInteger("consecutive_failures"));
        assertNull(source.getString("last_polled_at"));
        assertNull(source.getString("last_error"));
        assertNull(source.getString("table"));
        assertNull(source.getJsonArray("operations"));
        assertNull(source.getString("event_type_prefix"));
        Instant due = Instant.parse(source.getString("next_poll_at"));
        assertTrue(Duration.between(before, due).abs().compareTo(Duration.ofSeconds(30)) < 0, due::toString);
        assertEquals(1, SourceDb.count("SELECT count(*) FROM sources WHERE id = '" + source.getString("id")
                + "' AND next_poll_at <= now()"), "a poller picks it up on its next pass");

        assertEquals(source, acme.api().get("/v1/sources/" + source.getString("id")).json());
    }

    @Test
    @DisplayName("without an interval a source is polled every 60 seconds, and include_body defaults to false")
    void defaults() {
        JsonObject source = create(acme.api(), http(PUBLIC_URL));
        assertEquals(60, source.getInteger("interval_seconds"));
        assertFalse(source.getBoolean("include_body"));
    }

    @ParameterizedTest(name = "interval {0} is {1} s")
    @CsvSource({"PT1S, 1", "1, 1", "45, 45", "PT5M, 300", "pt2m, 120", "PT1H30M, 5400", "P1D, 86400", "86400, 86400"})
    @DisplayName("an interval is an ISO-8601 duration or plain seconds, from 1 second to 1 day")
    void goodIntervals(String interval, int seconds) {
        assertEquals(seconds, create(acme.api(), http(PUBLIC_URL).put("interval", interval)).getInteger("interval_seconds"));
    }

    @ParameterizedTest(name = "interval [{0}]")
    @ValueSource(strings = {"0", "abc", "P2D", "PT0S", "PT0.5S", "PT1.5S", "-5", "PT-5S", "86401", "P1M", "1e3", "", "30s",
            "9999999999"})
    @DisplayName("an interval outside 1 second to 1 day, or not a duration, is refused with 400")
    void badIntervals(String interval) {
        long before = stored(acme);
        assertProblem(acme.api().post("/v1/sources", http(PUBLIC_URL).put("interval", interval)), 400);
        assertEquals(before, stored(acme));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1/status", "http://localhost:8080/", "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.7/", "http://[::1]/", "https://metadata.google.internal/"})
    @DisplayName("a private or internal URL is refused with 422 on the strict instance")
    void privateUrls(String url) {
        long before = stored(acme);
        Api.Response refused = acme.api().post("/v1/sources", http(url));
        assertProblem(refused, 422);
        assertTrue(refused.json().getString("type").endsWith("/url-not-allowed"), refused::toString);
        assertTrue(refused.json().getString("detail").contains("HOOKRELAY_ALLOW_PRIVATE_TARGETS=true"), refused::toString);
        assertEquals(before, stored(acme));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ftp://93.184.216.34/", "not a url", "https://user:pw@93.184.216.34/", "https://93.184.216.34/#frag"})
    @DisplayName("a URL Hookrelay cannot poll is refused with 422")
    void unusableUrls(String url) {
        assertProblem(acme.api().post("/v1/sources", http(url)), 422);
    }

    @Test
    @DisplayName("poll headers are stored, named in answers, but their values never shown")
    void headersAreHidden() {
        JsonObject source = create(acme.api(), http(PUBLIC_URL)
                .put("headers", new JsonObject().put("Authorization", "Bearer s3cr3t-token").put("Accept", "application/json")));
        assertEquals(new JsonObject().put("authorization", "[redacted]").put("accept", "[redacted]"), source.getJsonObject("headers"));
        String id = source.getString("id");
        assertFalse(acme.api().get("/v1/sources/" + id).body().contains("s3cr3t-token"));
        assertFalse(admin.get("/v1/sources?limit=200").body().contains("s3cr3t-token"));
        assertEquals(1, SourceDb.count("SELECT count(*) FROM sources WHERE id = '" + id
                + "' AND headers ->> 'authorization' = 'Bearer s3cr3t-token'"), "the poller reads the real value");
    }

    @ParameterizedTest(name = "header {0}")
    @ValueSource(strings = {"Host", "Content-Length", "Webhook-Signature", "X-Hookrelay-Id", "If-None-Match", "If-Modified-Since",
            "Transfer-Encoding", "bad header", "Sec-Fetch-Mode"})
    @DisplayName("headers Hookrelay sets itself, or that are not header names, are refused with 400")
    void reservedHeaders(String name) {
        assertProblem(acme.api().post("/v1/sources", http(PUBLIC_URL).put("headers", new JsonObject().put(name, "x"))), 400);
    }

    @Test
    @DisplayName("header values with line breaks, and the same header twice, are refused with 400")
    void badHeaderValues() {
        assertProblem(acme.api().post("/v1/sources", http(PUBLIC_URL).put("headers", new JsonObject().put("X-A", "a\r\nHost: evil"))), 400);
        assertProblem(acme.api().post("/v1/sources", http(PUBLIC_URL).put("headers", new JsonObject().put("X-A", "1").put("x-a", "2"))), 400);
    }

    @Test
    @DisplayName("fields of the other kind are refused, naming the field")
    void foreignFields() {
        Api.Response answer = acme.api().post("/v1/sources", http(PUBLIC_URL).put("table", "orders"));
        assertProblem(answer, 400);
        assertTrue(answer.json().getString("detail").startsWith("table:"), answer::toString);
        assertProblem(acme.api().post("/v1/sources", new JsonObject().put("kind", "http")), 400);
        assertProblem(admin.post("/v1/sources", new JsonObject().put("kind", "table").put("tenant_id", acme.tenantId())
                .put("table", "orders").put("url", PUBLIC_URL)), 400);
    }

    @Test
    @DisplayName("a tenant key may name its own tenant_id but not another tenant's (403)")
    void tenantKeyOwnsItsSources() {
        assertEquals(acme.tenantId(), create(acme.api(), http(PUBLIC_URL).put("tenant_id", acme.tenantId())).getString("tenant_id"));
        long before = stored(globex);
        assertProblem(acme.api().post("/v1/sources", http(PUBLIC_URL).put("tenant_id", globex.tenantId())), 403);
        assertEquals(before, stored(globex));
    }

    @Test
    @DisplayName("the admin creates an http source for a named tenant; without one 422, unknown 404")
    void adminCreatesForATenant() {
        JsonObject source = create(admin, http(PUBLIC_URL).put("tenant_id", globex.tenantId()));
        assertEquals(globex.tenantId(), source.getString("tenant_id"));
        assertEquals(200, globex.api().get("/v1/sources/" + source.getString("id")).status());
        assertProblem(admin.post("/v1/sources", http(PUBLIC_URL)), 422);
        assertProblem(admin.post("/v1/sources", http(PUBLIC_URL).put("tenant_id", UUID.randomUUID().toString())), 404);
    }

    @Test
    @DisplayName("another tenant's source is 404 on read and delete and stays; the admin reads and deletes any")
    void isolation() {
        String id = create(acme.api(), http(PUBLIC_URL)).getString("id");
        String path = "/v1/sources/" + id;
        assertProblem(globex.api().get(path), 404);
        assertProblem(globex.api().delete(path), 404);
        assertFalse(globex.api().get("/v1/sources?limit=200").body().contains(id));
        assertEquals(200, acme.api().get(path).status());

        assertEquals(acme.tenantId(), admin.get(path).json().getString("tenant_id"));
        assertEquals(204, admin.delete(path).status());
        assertProblem(acme.api().get(path), 404);
        assertProblem(acme.api().get("/v1/sources/not-a-uuid"), 404);
    }

    @Test
    @DisplayName("a tenant deletes its own http source: 204, then 404")
    void deleteOwn() {
        String path = "/v1/sources/" + create(acme.api(), http(PUBLIC_URL)).getString("id");
        assertEquals(204, acme.api().delete(path).status());
        assertProblem(acme.api().get(path), 404);
        assertProblem(acme.api().delete(path), 404);
    }

    @Test
    @DisplayName("sources page newest first; a tenant lists its own, the admin lists every tenant's")
    void listing() {
        Tenants pager = Tenants.create(app, "http-sources-pager");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(0, create(pager.api(), http(PUBLIC_URL + i)).getString("id"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = pager.api().get("/v1/sources?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.getJsonArray("data").forEach(item -> seen.add(((JsonObject) item).getString("id")));
            cursor = page.getString("next_cursor");
        } while (cursor != null && seen.size() < 100);
        assertEquals(ids, seen, "newest first, each exactly once");

        String other = create(globex.api(), http(PUBLIC_URL)).getString("id");
        JsonArray all = admin.get("/v1/sources?limit=200").json().getJsonArray("data");
        List<String> allIds = all.stream().map(item -> ((JsonObject) item).getString("id")).toList();
        assertTrue(allIds.containsAll(ids) && allIds.contains(other), "the admin sees every tenant's sources");
    }

    @Test
    @DisplayName("repeating a create with the same Idempotency-Key answers the first source and stores one")
    void idempotentCreate() {
        Tenants tenant = Tenants.create(app, "http-sources-idempotent");
        Map<String, String> key = Map.of("Idempotency-Key", "poll-1");
        Api.Response first = tenant.api().post("/v1/sources", http(PUBLIC_URL), key);
        Api.Response replay = tenant.api().post("/v1/sources", http(PUBLIC_URL), key);
        assertEquals(201, first.status(), first::toString);
        assertEquals(first.json(), replay.json());
        assertEquals(1, stored(tenant));
    }
}
