package io.hookrelay.jsonpatch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Computes an RFC 6902 JSON Patch (add, remove and replace operations only) that turns one JSON value
 * into another. Values are Vert.x JSON values: JsonObject, JsonArray, String, Number, Boolean or null.
 *
 * <p>Objects are compared member by member, recursing into members present on both sides. Arrays keep
 * their common prefix and suffix; the differing middle is diffed index by index, then the surplus is
 * removed from the highest index down (so earlier indices stay valid) or the shortfall is added in
 * ascending order. That is not a minimal edit script (no LCS, no moves), but it is linear, always
 * correct and small for the usual edits: append, truncate, change in place, insert or delete one run.
 *
 * <p>Numbers compare by value, so 1 and 1.0 are no change. The patch holds copies of the values it
 * adds, never parts of {@code to}.
 */
public final class JsonDiff {

    private JsonDiff() {
    }

    public static JsonArray diff(Object from, Object to) {
        JsonArray patch = new JsonArray();
        diff("", JsonValues.normalize(from), JsonValues.normalize(to), patch);
        return patch;
    }

    private static void diff(String path, Object from, Object to, JsonArray patch) {
        if (JsonValues.equal(from, to)) {
            return;
        }
        if (from instanceof JsonObject a && to instanceof JsonObject b) {
            diffObjects(path, a, b, patch);
        } else if (from instanceof JsonArray a && to instanceof JsonArray b) {
            diffArrays(path, a, b, patch);
        } else {
            patch.add(operation("replace", path, to));
        }
    }

    private static void diffObjects(String path, JsonObject from, JsonObject to, JsonArray patch) {
        for (String key : from.fieldNames()) {
            String child = path + "/" + JsonPointer.escape(key);
            // containsKey, not getValue != null: a member whose value is null still exists.
            if (to.containsKey(key)) {
                diff(child, JsonValues.normalize(from.getValue(key)), JsonValues.normalize(to.getValue(key)), patch);
            } else {
                patch.add(new JsonObject().put("op", "remove").put("path", child));
            }
        }
        for (String key : to.fieldNames()) {
            if (!from.containsKey(key)) {
                patch.add(operation("add", path + "/" + JsonPointer.escape(key), to.getValue(key)));
            }
        }
    }

    private static void diffArrays(String path, JsonArray from, JsonArray to, JsonArray patch) {
        int prefix = 0;
        int shorter = Math.min(from.size(), to.size());
        while (prefix < shorter && JsonValues.equal(from.getValue(prefix), to.getValue(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < shorter - prefix
                && JsonValues.equal(from.getValue(from.size() - 1 - suffix), to.getValue(to.size() - 1 - suffix))) {
            suffix++;
        }
        int fromMiddle = from.size() - prefix - suffix;
        int toMiddle = to.size() - prefix - suffix;
        int common = Math.min(fromMiddle, toMiddle);
        // Index-wise changes first, while no insertion or removal has shifted anything yet.
        for (int i = prefix; i < prefix + common; i++) {
            diff(path + "/" + i, JsonValues.normalize(from.getValue(i)), JsonValues.normalize(to.getValue(i)), patch);
        }
        for (int i = prefix + fromMiddle - 1; i >= prefix + common; i--) {
            patch.add(new JsonObject().put("op", "remove").put("path", path + "/" + i));
        }
        for (int i = prefix + common; i < prefix + toMiddle; i++) {
            patch.add(operation("add", path + "/" + i, to.getValue(i)));
        }
    }

    private static JsonObject operation(String op, String path, Object value) {
        return new JsonObject().put("op", op).put("path", path).put("value", JsonValues.copy(value));
    }
}
