package io.hookrelay.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract handed to request validation builds each schema's validator once, and it still validates. */
class CachedSchemaValidatorsTest {

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

    private static JsonSchema publishBody() {
        return contract.operation("createEvent").getRequestBody().getContent().get("application/json").getSchema();
    }

    @Test
    void oneValidatorPerSchema() {
        SchemaRepository schemas = contract.getSchemaRepository();
        Validator first = schemas.validator(publishBody());
        assertSame(first, schemas.validator(publishBody()), "the second request reuses the first one's validator");
    }

    @Test
    void reusedValidatorStillJudgesEachBody() {
        Validator validator = contract.getSchemaRepository().validator(publishBody());
        for (int i = 0; i < 3; i++) {
            assertTrue(validator.validate(new JsonObject().put("type", "order.created").put("data",
                    new JsonObject().put("n", i))).getValid(), "a valid event, round " + i);
            assertFalse(validator.validate(new JsonObject().put("data", new JsonObject())).getValid(),
                    "an event without its type, round " + i);
        }
    }
}
