package io.hookrelay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hookrelay.Application;
import static io.hookrelay.support.ProblemAssertions.assertProblem;

import io.hookrelay.support.Api;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input on purpose: every answer is a 4xx problem, and nothing stored changes. */
class HostileInputTest {

    static Application app;
    static Tenants tenant;
    static String existingId;
    long storedBefore;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        tenant = Tenants.create(app, "hostile");
        existingId = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/ok"))
                .json().getString("id");
    }

    @BeforeEach
    void snapshot() {
        storedBefore = fingerprint();
    }

    @AfterEach
    void nothingChanged() {
        assertEquals(storedBefore, fingerprint(), "bad input must not change stored data");
    }

    private static long fingerprint() {
        return TestDatabase.get().count("""
                SELECT coalesce(sum(hashtext(s::text)), 0) + (SELECT count(*) FROM tenants) + (SELECT count(*) FROM api_keys)
                FROM subscriptions s""");
    }

    private static Api.Response raw(String method, String path, String body) {
        return tenant.api().send(method, path, body, Map.of());
    }

    @ParameterizedTest(name = "malformed body {0}")
    @ValueSource(strings = {"{", "{\"url\":", "not json", "[]", "\"a string\"", "123", "null", "{\"url\": \"x\",}",
            "{\"url\": \"https://93.184.216.34/\"} trailing"})
    void malformedJson(String body) {
        Api.Response answer = raw("POST", "/v1/subscriptions", body);
        assertProblem(answer, 400);
    }

    @Test
    @DisplayName("wrong types and unknown fields are refused with the failing field named")
    void wrongTypesAndUnknownFields() {
        Api.Response wrongType = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", 42));
        assertProblem(wrongType, 400);
        assertEquals("body /url: Instance type number is invalid. Expected string", wrongType.json().getString("detail"));
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/")
                .put("event_types", "order.created")), 400);
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/")
                .put("headers", new JsonObject().put("x-a", 1))), 400);
        Api.Response unknown = tenant.api().post("/v1/subscriptions", new JsonObject()
                .put("url", "https://93.184.216.34/").put("secret", "whsec_mine"));
        assertProblem(unknown, 400);
        assertEquals("body /secret: is not a known field", unknown.json().getString("detail"));
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject()), 400);
        assertProblem(tenant.api().send("POST", "/v1/subscriptions", "url=https://x", Map.of("Content-Type",
                "application/x-www-form-urlencoded")), 415);
    }

    @Test
    @DisplayName("a body over the payload limit answers 413")
    void oversizedBody() {
        String huge = new JsonObject().put("url", "https://93.184.216.34/").put("description", "x".repeat(70_000)).encode();
        assertProblem(raw("POST", "/v1/subscriptions", huge), 413);
    }

    @ParameterizedTest(name = "hostile url {0}")
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0x7f000001/",
            "http://localhost./", "http://localhost/", "http://127.0.0.1:8080/", "http://2130706433/", "http://127.1/",
            "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/", "http://[::ffff:127.0.0.1]/",
            "http://metadata.google.internal/", "http://[fe80::1]/", "http://0.0.0.0/", "http://224.0.0.1/",
            "ftp://93.184.216.34/", "file:///etc/passwd", "javascript:alert(1)", "http://user:pw@93.184.216.34/",
            "//93.184.216.34/", "https://", "not a url", "http://exa mple.com/", "gopher://93.184.216.34:70/"})
    void hostileUrls(String url) {
        Api.Response answer = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", url));
        assertTrue(answer.status() == 422 || answer.status() == 400, answer::toString);
        assertProblem(answer, answer.status());
    }

    @Test
    @DisplayName("a URL over 2,048 characters is refused")
    void longUrl() {
        String url = "https://93.184.216.34/" + "a".repeat(2048);
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject().put("url", url)), 400);
    }

    @Test
    @DisplayName("a DNS name that resolves to this machine's own address is refused")
    void dnsNameResolvingToPrivateAddress() throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        InetAddress[] addresses = InetAddress.getAllByName(host);
        boolean privateAddress = false;
        for (InetAddress address : addresses) {
            privateAddress |= address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress();
        }
        assumeTrue(privateAddress, "this machine's name resolves to a public address");
        Api.Response answer = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "http://" + host + ":9/hook"));
        assertProblem(answer, 422);
    }

    @ParameterizedTest(name = "reserved header {0}")
    @ValueSource(strings = {"webhook-signature", "Webhook-Id", "content-type", "Host", "Content-Length",
            "transfer-encoding", "bad header", "x\r\ninjected", ""})
    void reservedHeaders(String name) {
        Api.Response answer = tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/")
                .put("headers", new JsonObject().put(name, "v")));
        assertProblem(answer, 400);
    }

    @Test
    @DisplayName("header values with line breaks cannot smuggle extra headers")
    void headerInjection() {
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/")
                .put("headers", new JsonObject().put("x-ok", "a\r\nx-evil: 1"))), 400);
    }

    @Test
    @DisplayName("SQL-looking, NUL-bearing and very long strings are refused or stored verbatim, never a 5xx")
    void sqlLookingAndLongStrings() {
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/")
                .put("description", "x".repeat(1025))), 400);
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/")
                .put("description", "nul\u0000byte")), 400);
        assertProblem(tenant.api().post("/v1/subscriptions", new JsonObject().put("url", "https://93.184.216.34/")
                .put("metadata", new JsonObject().put("k", "nul\u0000"))), 400);
        assertProblem(tenant.api().get("/v1/subscriptions/'%20OR%201=1--"), 404);
        assertProblem(tenant.api().get("/v1/subscriptions/" + "9".repeat(5000)), 400);
        assertProblem(tenant.api().get("/v1/subscriptions?cursor=%27%3B%20DROP%20TABLE%20subscriptions%3B--"), 400);
        assertProblem(tenant.api().patch("/v1/subscriptions/" + existingId,
                new JsonObject().put("event_types", new JsonArray().add("'; DROP TABLE x;--"))), 400);
    }

    @Test
    @DisplayName("unknown routes and methods answer problems too")
    void unknownRoutes() {
        assertProblem(tenant.api().get("/v1/nope"), 404);
        assertProblem(tenant.api().send("PUT", "/v1/subscriptions", "{}", Map.of()), 405);
        assertProblem(new Api(app.httpPort(), null).get("/v1/nope"), 401);
    }
}
