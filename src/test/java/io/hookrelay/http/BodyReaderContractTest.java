package io.hookrelay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The publishing routes check their bodies with {@link BodyReader} instead of the generic contract validator;
 * both must judge every body alike, so the contract stays the one statement of what is accepted.
 */
class BodyReaderContractTest {

    static Vertx vertx;
    static OpenAPIContract contract;

    @BeforeAll
    static void load() throws Exception {
        vertx = Vertx.vertx();
        contract = Contract.load(vertx, Buffer.buffer(Files.readAllBytes(Path.of("openapi/hookrelay.yaml"))))
                .await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static Validator generic(String operation) {
        JsonSchema schema = contract.operation(operation).getRequestBody().getContent().get("application/json").getSchema();
        return contract.getSchemaRepository().validator(schema);
    }

    private static boolean streamingAccepts(String body, BodyShape shape) {
        try {
            BodyReader.read(Buffer.buffer(body), shape);
            return true;
        } catch (BodyException e) {
            return false;
        }
    }

    private static final List<String> EVENTS = List.of(
            "{\"type\":\"order.created\",\"data\":{\"id\":1}}",
            "{\"type\":\"a\",\"data\":null}",
            "{\"type\":\"a_b-c.d9\",\"data\":[1,\"x\",{\"k\":[]}]}",
            "{\"type\":\"a\",\"data\":\"text\",\"subscription_ids\":[\"0190b7d2-6a0e-7cc1-9d5a-4b8f2b1c9e01\"]}",
            "{\"type\":\"a\",\"data\":1,\"subscription_ids\":[]}",
            "{\"type\":\"a\",\"data\":1,\"subscription_ids\":[1]}",
            "{\"type\":\"a\",\"data\":1,\"subscription_ids\":\"x\"}",
            "{\"type\":\"a\",\"data\":1,\"subscription_ids\":[\"" + "x".repeat(65) + "\"]}",
            "{\"type\":\"a\",\"data\":1,\"subscription_ids\":[\"" + "x".repeat(64) + "\"]}",
            "{\"type\":\"\",\"data\":1}",
            "{\"type\":\"" + "t".repeat(128) + "\",\"data\":1}",
            "{\"type\":\"" + "t".repeat(129) + "\",\"data\":1}",
            "{\"type\":\"a..b\",\"data\":1}",
            "{\"type\":\".a\",\"data\":1}",
            "{\"type\":\"a.\",\"data\":1}",
            "{\"type\":\"bad type!\",\"data\":1}",
            "{\"type\":\"a\\nb\",\"data\":1}",
            "{\"type\":\"a\\n\",\"data\":1}",
            "{\"type\":\"é\",\"data\":1}",
            "{\"type\":7,\"data\":1}",
            "{\"type\":null,\"data\":1}",
            "{\"type\":\"a\"}",
            "{\"data\":1}",
            "{}",
            "{\"type\":\"a\",\"data\":1,\"extra\":true}",
            "{\"type\":\"a\",\"data\":1,\"idempotency_key\":\"k\"}",
            "[]",
            "\"text\"",
            "42");

    @Test
    @DisplayName("POST /v1/events: the streaming check accepts exactly what the contract's generic validator accepts")
    void singleEventsJudgedAlike() {
        Validator validator = generic("createEvent");
        BodyShape shape = BodyShape.of(contract.getRawContract(), "EventCreate");
        for (String body : EVENTS) {
            boolean expected = validator.validate(Json.decodeValue(body)).getValid();
            assertEquals(expected, streamingAccepts(body, shape), body);
        }
    }

    @Test
    @DisplayName("POST /v1/events/batch: the same for batches, item rules included, over random mixes")
    void batchesJudgedAlike() {
        Validator validator = generic("createEventBatch");
        BodyShape shape = BodyShape.of(contract.getRawContract(), "EventBatchCreate");
        List<String> items = new ArrayList<>(EVENTS.subList(0, EVENTS.size() - 3));
        items.add("{\"type\":\"a\",\"data\":1,\"idempotency_key\":\"\"}");
        items.add("{\"type\":\"a\",\"data\":1,\"idempotency_key\":\"" + "k".repeat(256) + "\"}");
        Random random = new Random(20261207);
        int accepted = 0;
        for (int round = 0; round < 300; round++) {
            int size = random.nextInt(4);
            StringBuilder body = new StringBuilder("{\"events\":[");
            for (int i = 0; i < size; i++) {
                body.append(i == 0 ? "" : ",").append(items.get(random.nextInt(items.size())));
            }
            String text = body.append("]}").toString();
            boolean expected = validator.validate(Json.decodeValue(text)).getValid();
            accepted += expected ? 1 : 0;
            assertEquals(expected, streamingAccepts(text, shape), text);
        }
        assertTrue(accepted > 10 && accepted < 290, "the mixes cover both answers: " + accepted + " of 300 accepted");
        String tooMany = "{\"events\":[" + String.join(",", java.util.Collections.nCopies(1001, EVENTS.get(0))) + "]}";
        assertEquals(false, validator.validate(Json.decodeValue(tooMany)).getValid());
        assertEquals(false, streamingAccepts(tooMany, shape));
    }

    @Test
    @DisplayName("data is kept as the text received, containers byte for byte, scalars as written")
    void dataKeptAsReceived() {
        BodyShape shape = BodyShape.of(contract.getRawContract(), "EventCreate");
        String data = "{ \"b\" : [1, 2.50, -0, 1e5, \"\\u00e9\\ud83d\\ude00\"], \"a\":{} }";
        ReadObject read = (ReadObject) BodyReader.read(Buffer.buffer("{\"type\":\"a\", \"data\":" + data + "}"), shape);
        assertEquals(data, ((RawJson) read.fields().get("data")).text());
        for (String scalar : List.of("12345678901234567890123", "1.5E300", "true", "null", "\"x\\\"y\"")) {
            ReadObject one = (ReadObject) BodyReader.read(Buffer.buffer("{\"data\":" + scalar + ",\"type\":\"a\"}"), shape);
            assertEquals(Json.decodeValue(scalar), Json.decodeValue(((RawJson) one.fields().get("data")).text()), scalar);
        }
    }

    @Test
    @DisplayName("what jsonb would refuse is refused while reading: NUL, lone surrogates, huge exponents")
    void jsonbRefusalsCaughtEarly() {
        BodyShape shape = BodyShape.of(contract.getRawContract(), "EventCreate");
        for (String data : List.of("\"a\\u0000\"", "{\"k\\u0000\":1}", "[\"\\ud800\"]", "\"\\udc00x\"", "[1e401]", "1E-999999")) {
            BodyException refused = assertThrows(BodyException.class,
                    () -> BodyReader.read(Buffer.buffer("{\"type\":\"a\",\"data\":" + data + "}"), shape), data);
            assertTrue(refused.pointer().startsWith("/data"), refused.getMessage());
        }
        ApiException notJson = assertThrows(ApiException.class, () -> BodyReader.read(Buffer.buffer(
                new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'}), shape));
        assertEquals(400, notJson.status());
        assertEquals(400, assertThrows(ApiException.class, () -> BodyReader.read(Buffer.buffer(
                "{\"type\":\"a\",\"data\":" + "[".repeat(2000) + "]".repeat(2000) + "}"), shape)).status());
        assertThrows(ApiException.class, () -> BodyReader.read(Buffer.buffer("{\"type\":\"a\",\"data\":1} x"), shape));
    }

    @Test
    @DisplayName("a contract schema with a keyword the streaming check does not implement stops the start")
    void unknownKeywordsRefused() {
        JsonObject raw = contract.getRawContract().copy();
        raw.getJsonObject("components").getJsonObject("schemas").getJsonObject("EventCreate").getJsonObject("properties")
                .put("priority", new JsonObject().put("type", "integer").put("minimum", 0));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> BodyShape.of(raw, "EventCreate"));
        assertTrue(refused.getMessage().contains("integer") || refused.getMessage().contains("minimum"), refused.getMessage());
    }
}
