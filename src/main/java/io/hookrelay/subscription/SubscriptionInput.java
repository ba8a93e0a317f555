package io.hookrelay.subscription;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.CustomHeaders;
import io.hookrelay.http.Problems;
import io.hookrelay.http.TextRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields of a create or update body after the checks the contract cannot express. On update, a null
 * field means "keep"; {@code clear*} flags mean the caller sent an explicit null.
 */
record SubscriptionInput(
        String url,
        List<String> eventTypes,
        String description,
        boolean clearDescription,
        JsonObject headers,
        JsonObject metadata,
        Integer maxInFlight,
        boolean clearMaxInFlight,
        Boolean ordered,
        Boolean ed25519) {

    static SubscriptionInput forCreate(JsonObject body) {
        String url = body.getString("url");
        if (url == null) {
            throw ApiException.validation("url: is required");
        }
        return new SubscriptionInput(
                url.strip(),
                eventTypes(body.getJsonArray("event_types")),
                TextRules.optionalText(body.getString("description"), "description"),
                false,
                CustomHeaders.validate(body.getJsonObject("headers")),
                metadata(body.getJsonObject("metadata")),
                body.getInteger("max_in_flight"),
                false,
                body.getBoolean("ordered", false),
                body.getBoolean("ed25519", false));
    }

    static SubscriptionInput forUpdate(JsonObject body) {
        String url = body.getString("url");
        return new SubscriptionInput(
                url == null ? null : url.strip(),
                body.containsKey("event_types") ? eventTypes(body.getJsonArray("event_types")) : null,
                TextRules.optionalText(body.getString("description"), "description"),
                body.containsKey("description") && body.getValue("description") == null,
                body.containsKey("headers") ? CustomHeaders.validate(body.getJsonObject("headers")) : null,
                body.containsKey("metadata") ? metadata(body.getJsonObject("metadata")) : null,
                body.getInteger("max_in_flight"),
                body.containsKey("max_in_flight") && body.getValue("max_in_flight") == null,
                body.getBoolean("ordered"),
                body.getBoolean("ed25519"));
    }

    /** Duplicates are dropped and order kept, so the stored filter reads as the caller wrote it. */
    private static List<String> eventTypes(JsonArray raw) {
        if (raw == null) {
            return List.of();
        }
        Set<String> unique = new LinkedHashSet<>();
        for (Object item : raw) {
            if (!(item instanceof String type)) {
                throw ApiException.validation("event_types: every entry must be a string");
            }
            unique.add(type);
        }
        return new ArrayList<>(unique);
    }

    private static JsonObject metadata(JsonObject raw) {
        if (raw == null) {
            return new JsonObject();
        }
        for (String key : raw.fieldNames()) {
            String field = "metadata." + Problems.clip(key, 60);
            if (key.isEmpty() || key.length() > 100 || TextRules.hasControlCharacters(key, false)) {
                throw ApiException.validation(field + ": keys are 1 to 100 characters without control characters");
            }
            Object value = raw.getValue(key);
            if (!(value instanceof String text)) {
                throw ApiException.validation(field + ": the value must be a string");
            }
            TextRules.optionalText(text, field);
        }
        return raw.copy();
    }
}
