package io.hookrelay.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request body schema from the contract, compiled for {@link BodyReader}: the few JSON Schema keywords the
 * hot publishing bodies use. A schema with any other keyword is refused when the service starts, so the
 * contract cannot grow a rule that this check would silently skip.
 */
public sealed interface BodyShape {

    /** No constraint at all ({@code {}}): the value is kept as the JSON text it arrived as. */
    record AnyValue() implements BodyShape {
    }

    record Text(int minLength, int maxLength, Pattern pattern) implements BodyShape {
    }

    record ArrayOf(BodyShape items, int minItems, int maxItems) implements BodyShape {
    }

    record ObjectOf(Map<String, BodyShape> properties, Set<String> required, boolean otherFields) implements BodyShape {
    }

    Set<String> KNOWN = Set.of("type", "properties", "required", "additionalProperties", "minLength", "maxLength",
            "pattern", "minItems", "maxItems", "items", "description", "$ref");

    /** The schema of {@code components/schemas/<name>} of the contract, with its {@code $ref}s followed. */
    static BodyShape of(JsonObject contract, String name) {
        return compile(contract, resolve(contract, "#/components/schemas/" + name), "#/components/schemas/" + name);
    }

    private static JsonObject resolve(JsonObject contract, String ref) {
        if (!ref.startsWith("#/components/schemas/")) {
            throw new IllegalStateException("contract: only local component references are supported, not " + ref);
        }
        JsonObject schema = contract.getJsonObject("components").getJsonObject("schemas")
                .getJsonObject(ref.substring("#/components/schemas/".length()));
        if (schema == null) {
            throw new IllegalStateException("contract: " + ref + " does not exist");
        }
        return schema;
    }

    private static BodyShape compile(JsonObject contract, JsonObject schema, String where) {
        schema = withoutAnnotations(schema);
        for (String keyword : schema.fieldNames()) {
            if (!KNOWN.contains(keyword)) {
                throw new IllegalStateException("contract: " + where + " uses '" + keyword
                        + "', which the publishing body check does not implement");
            }
        }
        if (schema.containsKey("$ref")) {
            if (schema.size() > 1 + (schema.containsKey("description") ? 1 : 0)) {
                throw new IllegalStateException("contract: " + where + " puts keywords beside $ref");
            }
            String ref = schema.getString("$ref");
            return compile(contract, resolve(contract, ref), ref);
        }
        Object type = schema.getValue("type");
        if (type == null) {
            if (schema.size() > (schema.containsKey("description") ? 1 : 0)) {
                throw new IllegalStateException("contract: " + where + " has constraints but no type");
            }
            return new AnyValue();
        }
        return switch (String.valueOf(type)) {
            case "string" -> new Text(schema.getInteger("minLength", 0), schema.getInteger("maxLength", Integer.MAX_VALUE),
                    schema.containsKey("pattern") ? Pattern.compile(schema.getString("pattern")) : null);
            case "array" -> new ArrayOf(compile(contract, schema.getJsonObject("items", new JsonObject()), where + "/items"),
                    schema.getInteger("minItems", 0), schema.getInteger("maxItems", Integer.MAX_VALUE));
            case "object" -> object(contract, schema, where);
            default -> throw new IllegalStateException("contract: " + where + " has type " + type
                    + ", which the publishing body check does not implement");
        };
    }

    /** Vert.x marks the schemas of a loaded contract with where they came from ({@code __absolute_uri__}). */
    private static JsonObject withoutAnnotations(JsonObject schema) {
        JsonObject plain = new JsonObject();
        schema.forEach(entry -> {
            if (!entry.getKey().startsWith("__")) {
                plain.put(entry.getKey(), entry.getValue());
            }
        });
        return plain;
    }

    private static ObjectOf object(JsonObject contract, JsonObject schema, String where) {
        Map<String, BodyShape> properties = new LinkedHashMap<>();
        JsonObject declared = schema.getJsonObject("properties", new JsonObject());
        for (String name : declared.fieldNames()) {
            properties.put(name, compile(contract, declared.getJsonObject(name), where + "/properties/" + name));
        }
        Set<String> required = new LinkedHashSet<>();
        for (Object name : schema.getJsonArray("required", new JsonArray())) {
            required.add((String) name);
        }
        Object additional = schema.getValue("additionalProperties", Boolean.TRUE);
        if (!(additional instanceof Boolean)) {
            throw new IllegalStateException("contract: " + where + " gives additionalProperties a schema");
        }
        return new ObjectOf(Collections.unmodifiableMap(properties), Collections.unmodifiableSet(required), (Boolean) additional);
    }
}
