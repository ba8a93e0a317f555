package io.hookrelay.event;

import static io.hookrelay.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and unusual bodies for {@code POST /v1/events}, sent as the exact bytes a caller would put on
 * the wire: refusals are problems that store nothing, and what is accepted reads back exactly.
 */
class PublishBodyTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Application app;
    static Tenants tenant;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        tenant = Tenants.create(app, "raw-bodies");
    }

    /** POSTs these bytes as application/json with the tenant's key, nothing re-encoded on the way. */
    static Api.Response raw(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/v1/events"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tenant.api().token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Api.Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Api.Response raw(String body) {
        return raw(body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] chunk = part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    static long stored() {
        return TestDatabase.get().count("SELECT count(*) FROM events WHERE tenant_id = '" + tenant.tenantId() + "'");
    }

    /** Sends the body, expects a problem with this status, and that no event was stored. */
    static Api.Response refused(byte[] body, int status) {
        long before = stored();
        Api.Response answer = raw(body);
        assertProblem(answer, status);
        assertEquals(before, stored(), "a refused publish stores nothing");
        return answer;
    }

    static Api.Response refused(String body, int status) {
        return refused(body.getBytes(StandardCharsets.UTF_8), status);
    }

    /** Sends the body, expects 202, and returns the event as GET /v1/events/{id} reads it back. */
    static JsonObject acceptedAndRead(String body) {
        long before = stored();
        Api.Response accepted = raw(body);
        assertEquals(202, accepted.status(), accepted::toString);
        assertEquals(before + 1, stored());
        Api.Response read = tenant.api().get("/v1/events/" + accepted.json().getString("id"));
        assertEquals(200, read.status(), read::toString);
        assertEquals(accepted.json(), read.json(), "the stored event is the one the publish answered");
        return read.json();
    }

    @ParameterizedTest(name = "invalid UTF-8 bytes {0} inside a data string")
    @DisplayName("bytes that are not UTF-8 inside a string of data are refused with 400")
    @ValueSource(strings = {"ff", "c328", "c0af", "c1bf", "e080af", "eda080", "f4908080", "f8888080", "e282"})
    void invalidUtf8(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        refused(bytes("{\"type\":\"bytes.bad\",\"data\":{\"s\":\"a", bad, "b\"}}"), 400);
    }

    @ParameterizedTest(name = "lone surrogate escape {0}")
    @DisplayName("a lone UTF-16 surrogate escape in a data string or key is refused with 400")
    @ValueSource(strings = {"{\"s\":\"\\ud800\"}", "{\"s\":\"x\\udc00y\"}", "{\"\\ud800\":1}", "[\"\\udbff\\u0041\"]"})
    void loneSurrogate(String data) {
        refused("{\"type\":\"surrogate.lone\",\"data\":" + data + "}", 400);
    }

    @Test
    @DisplayName("a correctly paired surrogate escape is accepted and reads back as the one character")
    void pairedSurrogate() {
        JsonObject event = acceptedAndRead("{\"type\":\"surrogate.pair\",\"data\":{\"s\":\"\\ud83d\\ude00\"}}");
        assertEquals("\uD83D\uDE00", event.getJsonObject("data").getString("s"));
    }

    @Test
    @DisplayName("a \\u0000 escape in a key of data is refused with 400, as in a value")
    void nulInKey() {
        refused("{\"type\":\"nul.key\",\"data\":{\"a\\u0000b\":1}}", 400);
        refused("{\"type\":\"nul.key\",\"data\":{\"outer\":{\"\\u0000\":true}}}", 400);
        refused("{\"type\":\"nul.value\",\"data\":{\"k\":\"\\u0000\"}}", 400);
    }

    @ParameterizedTest(name = "number {0}")
    @DisplayName("a number PostgreSQL's numeric cannot hold is refused with 400 and the service stays healthy")
    @ValueSource(strings = {"1e999999", "-1e999999", "[1,2,1E999999]"})
    void unrepresentableNumber(String data) {
        refused("{\"type\":\"number.huge\",\"data\":" + data + "}", 400);
        JsonObject after = tenant.publish("number.after", new JsonObject().put("ok", true));
        assertEquals(new JsonObject().put("ok", true), after.getJsonObject("data"));
        Api.Response ready = new Api(app.httpPort(), null).get("/health/ready");
        assertEquals(200, ready.status(), ready::toString);
    }

    @Test
    @DisplayName("data nested 2,000 arrays deep is refused with 400")
    void deepNesting() {
        refused("{\"type\":\"deep.arrays\",\"data\":" + "[".repeat(2000) + "]".repeat(2000) + "}", 400);
        refused("{\"type\":\"deep.objects\",\"data\":" + "{\"a\":".repeat(2000) + "1" + "}".repeat(2000) + "}", 400);
    }

    @Test
    @DisplayName("a body with a duplicate top-level key is refused with 400")
    void duplicateKey() {
        refused("{\"type\":\"dup.first\",\"type\":\"dup.second\",\"data\":1}", 400);
        refused("{\"type\":\"dup.data\",\"data\":1,\"data\":2}", 400);
    }

    @Test
    @DisplayName("whitespace and newlines around every token are accepted and the data reads back equal")
    void whitespace() {
        String body = " \r\n\t{ \n \"type\" \t:\r\n \"space.around\" ,\n\n \"data\" : \t{ \"a\" : [ 1 ,\n 2 , { \"b\" :\tnull } ] ,"
                + " \"s\" : \" keep  inner  spaces \" } \n } \r\n ";
        JsonObject event = acceptedAndRead(body);
        assertEquals("space.around", event.getString("type"));
        assertEquals(new JsonObject().put("a", new JsonArray().add(1).add(2).add(new JsonObject().putNull("b")))
                .put("s", " keep  inner  spaces "), event.getJsonObject("data"));
    }

    @Test
    @DisplayName("emoji, CJK and escaped characters in keys and values round-trip exactly")
    void unicodeRoundTrip() {
        String body = "{\"type\":\"unicode.text\",\"data\":{\"emoji\":\"😀🎉👩‍👩‍👧\",\"cjk\":\"漢字かな한글\","
                + "\"escaped\":\"caf\\u00e9\",\"キー\":\"値\",\"mixed\":\"a\\n\\t\\\"\\\\/é\"}}";
        JsonObject data = acceptedAndRead(body).getJsonObject("data");
        assertEquals(new JsonObject().put("emoji", "😀🎉👩‍👩‍👧").put("cjk", "漢字かな한글").put("escaped", "café")
                .put("キー", "値").put("mixed", "a\n\t\"\\/é"), data);
    }

    @Test
    @DisplayName("a large integer and 1.5e300 are accepted and read back as the same numbers")
    void largeNumbers() {
        JsonObject event = acceptedAndRead("{\"type\":\"number.large\",\"data\":{\"big\":12345678901234567890123,"
                + "\"huge\":1.5e300,\"neg\":-98765432109876543210,\"tiny\":1.5e-300}}");
        JsonObject data = event.getJsonObject("data");
        assertSameNumber("12345678901234567890123", data.getValue("big"));
        assertSameNumber("1.5e300", data.getValue("huge"));
        assertSameNumber("-98765432109876543210", data.getValue("neg"));
        assertSameNumber("1.5e-300", data.getValue("tiny"));
    }

    private static void assertSameNumber(String expected, Object actual) {
        Number number = assertInstanceOf(Number.class, actual, () -> "a JSON number, not " + actual);
        assertEquals(0, new BigDecimal(expected).compareTo(new BigDecimal(number.toString())),
                () -> "expected " + expected + ", read back " + number);
    }

    @Test
    @DisplayName("data null, a string, an empty array and an empty object are each accepted and read back")
    void scalarAndEmptyData() {
        JsonObject nullData = acceptedAndRead("{\"type\":\"data.null\",\"data\":null}");
        assertTrue(nullData.containsKey("data") && nullData.getValue("data") == null, nullData::encode);
        assertEquals("text", acceptedAndRead("{\"type\":\"data.text\",\"data\":\"text\"}").getValue("data"));
        assertEquals(new JsonArray(), acceptedAndRead("{\"type\":\"data.array\",\"data\":[]}").getValue("data"));
        assertEquals(new JsonObject(), acceptedAndRead("{\"type\":\"data.object\",\"data\":{}}").getValue("data"));
    }

    @ParameterizedTest(name = "malformed body {0}")
    @DisplayName("bodies that are not one JSON object are refused with 400")
    @ValueSource(strings = {"", " ", "{", "{\"type\":\"a.b\",\"data\":1", "{\"type\":\"a.b\",\"data\":1}}",
            "{\"type\":\"a.b\",\"data\":1} {}", "{\"type\":\"a.b\",\"data\":1,}", "{'type':'a.b','data':1}",
            "{\"type\":\"a.b\",\"data\":NaN}", "{\"type\":\"a.b\",\"data\":01}", "[{\"type\":\"a.b\",\"data\":1}]",
            "\"text\"", "null", "{\"type\":\"a.b\",\"data\":\"unterminated}"})
    void malformed(String body) {
        refused(body, 400);
    }
}
