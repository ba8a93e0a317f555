package io.hookrelay.jsonpatch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * What diff and patch need to know about Vert.x JSON values: JsonObject, JsonArray, String, Number,
 * Boolean or null. Vert.x may also hold nested objects and arrays as raw Map and List (for example
 * inside a JsonObject built from a Map); {@link #normalize} makes those look like the Json types.
 */
final class JsonValues {

    private JsonValues() {
    }

    @SuppressWarnings("unchecked")
    static Object normalize(Object value) {
        if (value instanceof Map<?, ?> map) {
            return new JsonObject((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            return new JsonArray((List<Object>) list);
        }
        return value;
    }

    /**
     * Equality as JSON means it: objects ignore member order, numbers compare by value so 1 equals 1.0
     * (decoders pick Integer, Long, Double or BigDecimal depending on how a number was written).
     */
    static boolean equal(Object a, Object b) {
        a = normalize(a);
        b = normalize(b);
        if (a == b) {
            return true;
        }
        if (a instanceof JsonObject x && b instanceof JsonObject y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (String key : x.fieldNames()) {
                if (!y.containsKey(key) || !equal(x.getValue(key), y.getValue(key))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof JsonArray x && b instanceof JsonArray y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.getValue(i), y.getValue(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return numbersEqual(x, y);
        }
        return a != null && a.equals(b);
    }

    /** A deep copy, so a patch or a result never shares mutable parts with its inputs. */
    static Object copy(Object value) {
        value = normalize(value);
        if (value instanceof JsonObject object) {
            JsonObject copy = new JsonObject();
            for (String key : object.fieldNames()) {
                copy.put(key, copy(object.getValue(key)));
            }
            return copy;
        }
        if (value instanceof JsonArray array) {
            JsonArray copy = new JsonArray();
            for (int i = 0; i < array.size(); i++) {
                copy.add(copy(array.getValue(i)));
            }
            return copy;
        }
        return value;
    }

    /** How error messages name a value's type. */
    static String typeName(Object value) {
        value = normalize(value);
        if (value == null) {
            return "null";
        }
        if (value instanceof JsonObject) {
            return "an object";
        }
        if (value instanceof JsonArray) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value.getClass().getSimpleName();
    }

    private static boolean numbersEqual(Number a, Number b) {
        BigDecimal x = exact(a);
        BigDecimal y = exact(b);
        // NaN and infinities are not JSON, but a Double can hold them; compare those as doubles.
        return x != null && y != null ? x.compareTo(y) == 0 : Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }

    private static BigDecimal exact(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            // The shortest decimal that reads back as this double: 0.1 stays 0.1, not 0.1000000000000000055...
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
