package io.hookrelay.jsonpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Diff and patch against each other on random documents. Half the pairs are unrelated values; the
 * other half are a value and a few random edits of it, which is what polled resources look like and
 * exercises the recursive and array paths far more than unrelated pairs would. The seed is fixed so
 * a failure reproduces; the failing pair is printed in the message.
 */
class JsonPatchPropertyTest {

    private static final int PAIRS = 2_000;
    private static final int MAX_DEPTH = 4;
    // Few keys, so objects overlap; several need escaping in pointers.
    private static final String[] KEYS = {"a", "b", "c", "id", "a/b", "~", "~1", "m~0n", "/", "", " ", "ключ"};
    private static final Set<String> DIFF_OPS = Set.of("add", "remove", "replace");

    @Test
    @DisplayName("applying diff(from, to) to from gives to, for 2,000 random pairs, also after the patch is sent as JSON text")
    void diffThenApplyRoundTrips() {
        Random random = new Random(6902);
        for (int i = 0; i < PAIRS; i++) {
            Object from = value(random, 0);
            Object to = random.nextBoolean() ? value(random, 0) : edit(random, JsonValues.copy(from), 1 + random.nextInt(4));
            String fromText = Json.encode(from);
            String toText = Json.encode(to);
            String pair = "pair " + i + ": from " + fromText + " to " + toText;

            JsonArray patch = JsonDiff.diff(from, to);
            for (Object operation : patch) {
                assertTrue(DIFF_OPS.contains(((JsonObject) operation).getString("op")), pair);
            }
            Object patched;
            try {
                patched = JsonPatch.apply(Json.decodeValue(fromText), new JsonArray(patch.encode()));
            } catch (IllegalArgumentException e) {
                fail(pair + "\npatch " + patch.encode() + " does not apply: " + e.getMessage());
                return;
            }
            assertJsonEquals(Json.decodeValue(toText), patched, pair + "\npatch " + patch.encode());
            assertEquals(fromText, Json.encode(from), "diff must not modify its input; " + pair);
            assertEquals(toText, Json.encode(to), "diff must not modify its input; " + pair);
        }
    }

    @Test
    @DisplayName("diff(x, x) is empty, also when x has been through JSON text or has its integers written as 1.0")
    void diffOfEqualValuesIsEmpty() {
        Random random = new Random(6901);
        for (int i = 0; i < PAIRS; i++) {
            Object value = value(random, 0);
            assertEquals(new JsonArray(), JsonDiff.diff(value, value), Json.encode(value));
            assertEquals(new JsonArray(), JsonDiff.diff(value, Json.decodeValue(Json.encode(value))), Json.encode(value));
            assertEquals(new JsonArray(), JsonDiff.diff(value, integersAsDoubles(value)), Json.encode(value));
        }
    }

    /** The same value with every int and long turned into a double, as another encoder might write it. */
    static Object integersAsDoubles(Object value) {
        if (value instanceof JsonObject object) {
            JsonObject copy = new JsonObject();
            object.forEach(member -> copy.put(member.getKey(), integersAsDoubles(member.getValue())));
            return copy;
        }
        if (value instanceof JsonArray array) {
            JsonArray copy = new JsonArray();
            array.forEach(element -> copy.add(integersAsDoubles(element)));
            return copy;
        }
        if (value instanceof Integer number) {
            return number.doubleValue();
        }
        return value;
    }

    @Test
    @DisplayName("an edit of a large document gives a patch much smaller than the document")
    void patchesAreLocal() {
        Random random = new Random(42);
        JsonArray items = new JsonArray();
        for (int i = 0; i < 500; i++) {
            items.add(new JsonObject().put("id", i).put("name", "item " + i).put("tags", new JsonArray().add("x")));
        }
        JsonObject from = new JsonObject().put("items", items);
        for (int round = 0; round < 50; round++) {
            JsonObject to = from.copy();
            JsonArray list = to.getJsonArray("items");
            int at = random.nextInt(list.size());
            switch (round % 3) {
                case 0 -> list.getJsonObject(at).put("name", "renamed");
                case 1 -> list.remove(at);
                default -> list.add(at, new JsonObject().put("id", -1));
            }
            JsonArray patch = JsonDiff.diff(from, to);
            assertEquals(1, patch.size(), patch::encode);
            assertJsonEquals(to, JsonPatch.apply(from, patch), "round " + round);
        }
    }

    /** Equality as JSON; Vert.x containers compare numbers by value, so scalars are wrapped too. */
    static void assertJsonEquals(Object expected, Object actual, String message) {
        assertEquals(new JsonArray().add(expected), new JsonArray().add(actual), message);
    }

    static Object value(Random random, int depth) {
        int kinds = depth >= MAX_DEPTH ? 4 : 6;
        return switch (random.nextInt(kinds)) {
            case 0 -> string(random);
            case 1 -> number(random);
            case 2 -> random.nextBoolean();
            case 3 -> null;
            case 4 -> object(random, depth);
            default -> array(random, depth);
        };
    }

    static JsonObject object(Random random, int depth) {
        JsonObject object = new JsonObject();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
            object.put(key(random), value(random, depth + 1));
        }
        return object;
    }

    static JsonArray array(Random random, int depth) {
        JsonArray array = new JsonArray();
        int size = random.nextInt(6);
        for (int i = 0; i < size; i++) {
            // Repeated small scalars make common prefixes and suffixes, and equal elements at both ends.
            array.add(random.nextInt(3) == 0 ? random.nextInt(3) : value(random, depth + 1));
        }
        return array;
    }

    static String key(Random random) {
        return KEYS[random.nextInt(KEYS.length)];
    }

    static String string(Random random) {
        String[] samples = {"", "x", "a/b", "~0", "\"quoted\"", "line\nbreak", "ünï", "😀"};
        return random.nextInt(3) == 0 ? "s" + random.nextInt(1000) : samples[random.nextInt(samples.length)];
    }

    /** Integers, longs, fractions, and integral doubles that equal an int (1.0 vs 1 must not be a change). */
    static Number number(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextInt(5);
            case 1 -> (double) random.nextInt(5);
            case 2 -> random.nextLong();
            case 3 -> random.nextInt(2000) / 8.0 - 100;
            default -> random.nextDouble() * 1e6;
        };
    }

    /** A few random edits somewhere inside the value: change, insert or delete a member or element. */
    static Object edit(Random random, Object value, int edits) {
        Object result = value;
        for (int i = 0; i < edits; i++) {
            result = editOnce(random, result, 0);
        }
        return result;
    }

    private static Object editOnce(Random random, Object value, int depth) {
        if (value instanceof JsonObject object && !object.isEmpty() && random.nextInt(3) > 0) {
            List<String> keys = new ArrayList<>(object.fieldNames());
            String key = keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(key);
                case 1 -> object.put(key(random), value(random, depth + 1));
                default -> object.put(key, editOnce(random, object.getValue(key), depth + 1));
            }
            return object;
        }
        if (value instanceof JsonArray array && !array.isEmpty() && random.nextInt(3) > 0) {
            int at = random.nextInt(array.size());
            switch (random.nextInt(4)) {
                case 0 -> array.remove(at);
                case 1 -> array.add(random.nextInt(array.size() + 1), value(random, depth + 1));
                default -> array.set(at, editOnce(random, array.getValue(at), depth + 1));
            }
            return array;
        }
        return depth >= MAX_DEPTH ? number(random) : value(random, depth);
    }
}
