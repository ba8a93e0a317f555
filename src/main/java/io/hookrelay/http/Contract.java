package io.hookrelay.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Loads {@code openapi/hookrelay.yaml} for request validation. Vert.x's contract model refuses response
 * media types it does not know, such as {@code application/problem+json} and {@code text/event-stream};
 * responses are not validated, so the copy handed to Vert.x lists them as plain JSON and plain text
 * while clients get the file unchanged. Validators are built once per schema ({@link CachedSchemaValidators}).
 */
public final class Contract {

    private static final Map<String, String> KNOWN_EQUIVALENTS = Map.of(
            "application/problem+json", "application/json",
            "text/event-stream", "text/plain");

    private Contract() {
    }

    public static Future<OpenAPIContract> load(Vertx vertx, Buffer yaml) {
        Map<String, Object> raw = new Yaml(new LoaderOptions()).load(yaml.toString());
        JsonObject contract = new JsonObject(raw).copy();
        rewriteUnknownMediaTypes(contract);
        return OpenAPIContract.from(vertx, contract).map(CachedSchemaValidators::new);
    }

    private static void rewriteUnknownMediaTypes(Object node) {
        if (node instanceof JsonObject object) {
            KNOWN_EQUIVALENTS.forEach((unknown, known) -> {
                if (object.containsKey(unknown)) {
                    object.put(known, object.remove(unknown));
                }
            });
            object.forEach(entry -> rewriteUnknownMediaTypes(entry.getValue()));
        } else if (node instanceof JsonArray array) {
            array.forEach(Contract::rewriteUnknownMediaTypes);
        } else if (node instanceof Map<?, ?> || node instanceof List<?>) {
            throw new IllegalStateException("the contract was not fully converted to JSON");
        }
    }
}
