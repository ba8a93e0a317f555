package io.hookrelay.jsonpatch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Applies an RFC 6902 JSON Patch (add, remove, replace, move, copy, test) to a Vert.x JSON value.
 *
 * <p>The input document is never modified: the patch works on a deep copy, and the result shares no
 * mutable parts with the document or the patch. Patches are atomic in the RFC's sense: either every
 * operation applies or {@link IllegalArgumentException} is thrown, naming the failing operation by
 * index and saying what was wrong.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    /**
     * @param document any JSON value: JsonObject, JsonArray, String, Number, Boolean or null
     * @param patch    an array of operation objects
     * @return the patched value
     * @throws IllegalArgumentException when the patch is malformed or an operation cannot apply
     */
    public static Object apply(Object document, JsonArray patch) {
        if (patch == null) {
            throw new IllegalArgumentException("a JSON Patch is required");
        }
        Object result = JsonValues.copy(document);
        for (int i = 0; i < patch.size(); i++) {
            Object element = JsonValues.normalize(patch.getValue(i));
            if (!(element instanceof JsonObject operation)) {
                throw new IllegalArgumentException("JSON Patch operation " + i + " must be an object, not "
                        + JsonValues.typeName(element));
            }
            try {
                result = applyOne(result, operation);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("JSON Patch operation " + i + " " + describe(operation) + ": "
                        + e.getMessage(), e);
            }
        }
        return result;
    }

    private static Object applyOne(Object document, JsonObject operation) {
        String op = stringMember(operation, "op");
        JsonPointer path = JsonPointer.parse(stringMember(operation, "path"));
        switch (op) {
            case "add":
                return add(document, path, JsonValues.copy(value(operation)));
            case "remove":
                return remove(document, path);
            case "replace":
                return replace(document, path, JsonValues.copy(value(operation)));
            case "move": {
                JsonPointer from = JsonPointer.parse(stringMember(operation, "from"));
                if (from.isProperPrefixOf(path)) {
                    throw new IllegalArgumentException("cannot move a value into itself");
                }
                Object value = get(document, from);
                return add(remove(document, from), path, value);
            }
            case "copy": {
                JsonPointer from = JsonPointer.parse(stringMember(operation, "from"));
                return add(document, path, JsonValues.copy(get(document, from)));
            }
            case "test": {
                Object expected = value(operation);
                Object actual = get(document, path);
                if (!JsonValues.equal(expected, actual)) {
                    throw new IllegalArgumentException("test failed: the value at '" + path + "' is not the expected value");
                }
                return document;
            }
            default:
                throw new IllegalArgumentException("unknown op '" + op + "'; expected add, remove, replace, move, copy or test");
        }
    }

    private static Object add(Object document, JsonPointer path, Object value) {
        if (path.isRoot()) {
            return value;
        }
        Object parent = get(document, path.parent());
        String token = path.last();
        if (parent instanceof JsonObject object) {
            object.put(token, value);
        } else if (parent instanceof JsonArray array) {
            if (token.equals("-")) {
                array.add(value);
            } else {
                int index = index(token, path);
                if (index > array.size()) {
                    throw new IllegalArgumentException("index " + index + " in '" + path + "' is past the end of an array of "
                            + array.size() + " (use '-' to append)");
                }
                array.add(index, value);
            }
        } else {
            throw new IllegalArgumentException("cannot add '" + path + "': its parent is " + JsonValues.typeName(parent)
                    + ", not an object or array");
        }
        return document;
    }

    /** Like remove then add, but in place, so an object keeps its member order. */
    private static Object replace(Object document, JsonPointer path, Object value) {
        if (path.isRoot()) {
            return value;
        }
        Object parent = get(document, path.parent());
        String token = path.last();
        if (parent instanceof JsonObject object) {
            if (!object.containsKey(token)) {
                throw new IllegalArgumentException("path '" + path + "' does not exist");
            }
            object.put(token, value);
        } else if (parent instanceof JsonArray array) {
            array.set(existingIndex(array, token, path), value);
        } else {
            throw new IllegalArgumentException("path '" + path + "' does not exist: its parent is "
                    + JsonValues.typeName(parent));
        }
        return document;
    }

    private static Object remove(Object document, JsonPointer path) {
        if (path.isRoot()) {
            throw new IllegalArgumentException("cannot remove the whole document");
        }
        Object parent = get(document, path.parent());
        String token = path.last();
        if (parent instanceof JsonObject object) {
            if (!object.containsKey(token)) {
                throw new IllegalArgumentException("path '" + path + "' does not exist");
            }
            object.remove(token);
        } else if (parent instanceof JsonArray array) {
            array.remove(existingIndex(array, token, path));
        } else {
            throw new IllegalArgumentException("path '" + path + "' does not exist: its parent is "
                    + JsonValues.typeName(parent));
        }
        return document;
    }

    /** The value a pointer names, which must exist. Containers come back as live views for in-place edits. */
    private static Object get(Object document, JsonPointer path) {
        Object current = JsonValues.normalize(document);
        JsonPointer walked = JsonPointer.ROOT;
        for (String token : path.tokens()) {
            walked = walked.append(token);
            if (current instanceof JsonObject object) {
                if (!object.containsKey(token)) {
                    throw new IllegalArgumentException("path '" + walked + "' does not exist");
                }
                current = JsonValues.normalize(object.getValue(token));
            } else if (current instanceof JsonArray array) {
                current = JsonValues.normalize(array.getValue(existingIndex(array, token, walked)));
            } else {
                throw new IllegalArgumentException("path '" + walked + "' does not exist: its parent is "
                        + JsonValues.typeName(current));
            }
        }
        return current;
    }

    private static int existingIndex(JsonArray array, String token, JsonPointer path) {
        if (token.equals("-")) {
            throw new IllegalArgumentException("'-' in '" + path + "' names the element after the end, which does not exist");
        }
        int index = index(token, path);
        if (index >= array.size()) {
            throw new IllegalArgumentException("index " + index + " in '" + path + "' is out of bounds for an array of "
                    + array.size());
        }
        return index;
    }

    /** RFC 6901 array indices: "0" or digits without a leading zero. */
    private static int index(String token, JsonPointer path) {
        boolean digits = !token.isEmpty() && token.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || (token.length() > 1 && token.charAt(0) == '0')) {
            throw new IllegalArgumentException("'" + token + "' in '" + path + "' is not an array index");
        }
        // More digits than any int: certainly past the end of any array.
        return token.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(token);
    }

    private static String stringMember(JsonObject operation, String name) {
        Object value = operation.getValue(name);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(value == null && !operation.containsKey(name)
                    ? "member '" + name + "' is missing"
                    : "member '" + name + "' must be a string, not " + JsonValues.typeName(value));
        }
        return text;
    }

    /** "value" must be present, but null is a legitimate value. */
    private static Object value(JsonObject operation) {
        if (!operation.containsKey("value")) {
            throw new IllegalArgumentException("member 'value' is missing");
        }
        return operation.getValue("value");
    }

    private static String describe(JsonObject operation) {
        Object op = operation.getValue("op");
        Object path = operation.getValue("path");
        String text = "(" + (op instanceof String s ? s : "?") + (path instanceof String p ? " " + p : "") + ")";
        return text.length() > 120 ? text.substring(0, 117) + "...)" : text;
    }
}
