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
 * responses are not validated, so the copy handed to Vert.x lists problems as plain JSON and event
 * streams as plain text while clients get the file unchanged.
 */
public final class Contract {

    private static final String PROBLEM = "application/problem+json";
    private static final String EVENT_STREAM = "text/event-stream";

    private Contract() {
    }

    public static Future<OpenAPIContract> load(Vertx vertx, Buffer yaml) {
        Map<String, Object> raw = new Yaml(new LoaderOptions()).load(yaml.toString());
        JsonObject contract = new JsonObject(raw).copy();
        rewriteProblemMediaTypes(contract);
        return OpenAPIContract.from(vertx, contract);
    }

    private static void rewriteProblemMediaTypes(Object node) {
        if (node instanceof JsonObject object) {
            if (object.containsKey(PROBLEM)) {
                object.put("application/json", object.remove(PROBLEM));
            }
            if (object.containsKey(EVENT_STREAM)) {
                object.put("text/plain", object.remove(EVENT_STREAM));
            }
            object.forEach(entry -> rewriteProblemMediaTypes(entry.getValue()));
        } else if (node instanceof JsonArray array) {
            array.forEach(Contract::rewriteProblemMediaTypes);
        } else if (node instanceof Map<?, ?> || node instanceof List<?>) {
            throw new IllegalStateException("the contract was not fully converted to JSON");
        }
    }
}
