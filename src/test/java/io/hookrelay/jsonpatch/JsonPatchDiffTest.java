package io.hookrelay.jsonpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Diffs of hand-picked pairs, checked operation by operation. */
class JsonPatchDiffTest {

    static JsonArray diff(String from, String to) {
        JsonArray patch = JsonDiff.diff(Json.decodeValue(from), Json.decodeValue(to));
        // Whatever the exact operations, the patch must do its job.
        assertEquals(new JsonArray().add(Json.decodeValue(to)),
                new JsonArray().add(JsonPatch.apply(Json.decodeValue(from), patch)));
        return patch;
    }

    static void assertPatch(String expected, JsonArray actual) {
        assertEquals(new JsonArray(expected), actual, () -> "patch was " + actual.encode());
    }

    @Test
    @DisplayName("equal values give an empty patch, also when numbers are written differently or members reordered")
    void noChange() {
        assertPatch("[]", diff("{\"a\":1,\"b\":[1,2.5]}", "{\"b\":[1.0,2.50],\"a\":1.0}"));
        assertPatch("[]", diff("null", "null"));
        assertPatch("[]", diff("12345678901234567890", "12345678901234567890"));
    }

    @Test
    @DisplayName("object members are removed, replaced, recursed into and added")
    void objects() {
        assertPatch("""
                [{"op":"remove","path":"/gone"},
                 {"op":"replace","path":"/changed","value":"new"},
                 {"op":"replace","path":"/nested/x","value":2},
                 {"op":"add","path":"/added","value":{"deep":[true]}}]""",
                diff("{\"gone\":1,\"changed\":\"old\",\"same\":0,\"nested\":{\"x\":1,\"y\":1}}",
                        "{\"changed\":\"new\",\"same\":0,\"nested\":{\"x\":2,\"y\":1},\"added\":{\"deep\":[true]}}"));
    }

    @Test
    @DisplayName("a member set to null differs from a missing member")
    void nullIsNotMissing() {
        assertPatch("[{\"op\":\"add\",\"path\":\"/a\",\"value\":null}]", diff("{}", "{\"a\":null}"));
        assertPatch("[{\"op\":\"remove\",\"path\":\"/a\"}]", diff("{\"a\":null}", "{}"));
        assertPatch("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":0}]", diff("{\"a\":null}", "{\"a\":0}"));
    }

    @Test
    @DisplayName("keys containing / and ~ are escaped in paths")
    void escaping() {
        assertPatch("""
                [{"op":"replace","path":"/a~1b/m~0n","value":2},
                 {"op":"add","path":"/~01","value":true},
                 {"op":"add","path":"/","value":"empty key"}]""",
                diff("{\"a/b\":{\"m~n\":1}}", "{\"a/b\":{\"m~n\":2},\"~1\":true,\"\":\"empty key\"}"));
    }

    @Test
    @DisplayName("arrays: appends add in order, truncations remove from the highest index down")
    void arrayEnds() {
        assertPatch("[{\"op\":\"add\",\"path\":\"/2\",\"value\":3},{\"op\":\"add\",\"path\":\"/3\",\"value\":4}]",
                diff("[1,2]", "[1,2,3,4]"));
        assertPatch("[{\"op\":\"remove\",\"path\":\"/3\"},{\"op\":\"remove\",\"path\":\"/2\"}]",
                diff("[1,2,3,4]", "[1,2]"));
    }

    @Test
    @DisplayName("arrays: an insertion or deletion in the middle touches only that run, thanks to the common suffix")
    void arrayMiddle() {
        assertPatch("[{\"op\":\"add\",\"path\":\"/0\",\"value\":0}]", diff("[1,2,3]", "[0,1,2,3]"));
        assertPatch("[{\"op\":\"remove\",\"path\":\"/2\"},{\"op\":\"remove\",\"path\":\"/1\"}]",
                diff("[\"a\",\"b\",\"c\",\"d\"]", "[\"a\",\"d\"]"));
        assertPatch("[{\"op\":\"replace\",\"path\":\"/1/id\",\"value\":9}]",
                diff("[{\"id\":1},{\"id\":2},{\"id\":3}]", "[{\"id\":1},{\"id\":9},{\"id\":3}]"));
    }

    @Test
    @DisplayName("a change of type, or of the root itself, is one replace")
    void typeChanges() {
        assertPatch("[{\"op\":\"replace\",\"path\":\"\",\"value\":\"x\"}]", diff("1", "\"x\""));
        assertPatch("[{\"op\":\"replace\",\"path\":\"\",\"value\":[]}]", diff("{}", "[]"));
        assertPatch("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":{\"0\":1}}]", diff("{\"a\":[1]}", "{\"a\":{\"0\":1}}"));
        assertPatch("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":\"1\"}]", diff("{\"a\":1}", "{\"a\":\"1\"}"));
        assertPatch("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":false}]", diff("{\"a\":0}", "{\"a\":false}"));
    }

    @Test
    @DisplayName("the patch holds copies: changing the target afterwards does not change the patch")
    void copies() {
        JsonObject to = new JsonObject().put("list", new JsonArray().add(1));
        JsonArray patch = JsonDiff.diff(new JsonObject(), to);
        to.getJsonArray("list").add(2);
        assertPatch("[{\"op\":\"add\",\"path\":\"/list\",\"value\":[1]}]", patch);
    }

    @Test
    @DisplayName("values held as raw Map and List inside Vert.x JSON are diffed like JsonObject and JsonArray")
    void rawMapsAndLists() {
        JsonObject from = new JsonObject().put("m", new java.util.LinkedHashMap<>(java.util.Map.of("k", 1)));
        JsonObject to = new JsonObject().put("m", new JsonObject().put("k", 2));
        assertPatch("[{\"op\":\"replace\",\"path\":\"/m/k\",\"value\":2}]", JsonDiff.diff(from, to));
    }
}
