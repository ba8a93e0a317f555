package io.hookrelay.jsonpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Applying patches: the examples of RFC 6902 appendix A, then the edges the RFC leaves to the reader. */
class JsonPatchTest {

    static Object json(String text) {
        return Json.decodeValue(text);
    }

    static JsonArray patch(String text) {
        return new JsonArray(text);
    }

    static Object apply(String document, String patch) {
        return JsonPatch.apply(json(document), patch(patch));
    }

    /** Equality as JSON: Vert.x compares numbers by value inside containers, so wrap scalars too. */
    static void assertJson(String expected, Object actual) {
        assertEquals(new JsonArray().add(json(expected)), new JsonArray().add(actual),
                () -> "expected " + expected + " but was " + Json.encode(actual));
    }

    static IllegalArgumentException refused(String document, String patch) {
        return assertThrows(IllegalArgumentException.class, () -> apply(document, patch));
    }

    @Nested
    @DisplayName("RFC 6902 appendix A")
    class Rfc6902Examples {

        @Test
        @DisplayName("A.1 adding an object member")
        void addObjectMember() {
            assertJson("{\"baz\":\"qux\",\"foo\":\"bar\"}",
                    apply("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]"));
        }

        @Test
        @DisplayName("A.2 adding an array element")
        void addArrayElement() {
            assertJson("{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
                    apply("{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]"));
        }

        @Test
        @DisplayName("A.3 removing an object member")
        void removeObjectMember() {
            assertJson("{\"foo\":\"bar\"}",
                    apply("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]"));
        }

        @Test
        @DisplayName("A.4 removing an array element")
        void removeArrayElement() {
            assertJson("{\"foo\":[\"bar\",\"baz\"]}",
                    apply("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]"));
        }

        @Test
        @DisplayName("A.5 replacing a value")
        void replaceValue() {
            assertJson("{\"baz\":\"boo\",\"foo\":\"bar\"}",
                    apply("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]"));
        }

        @Test
        @DisplayName("A.6 moving a value")
        void moveValue() {
            assertJson("{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}",
                    apply("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
                            "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]"));
        }

        @Test
        @DisplayName("A.7 moving an array element")
        void moveArrayElement() {
            assertJson("{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}",
                    apply("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
                            "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]"));
        }

        @Test
        @DisplayName("A.8 testing a value: success")
        void testSuccess() {
            String document = "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}";
            assertJson(document, apply(document, """
                    [{"op":"test","path":"/baz","value":"qux"},
                     {"op":"test","path":"/foo/1","value":2}]"""));
        }

        @Test
        @DisplayName("A.9 testing a value: error")
        void testError() {
            IllegalArgumentException e = refused("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]");
            assertTrue(e.getMessage().contains("operation 0 (test /baz)"), e.getMessage());
        }

        @Test
        @DisplayName("A.10 adding a nested member object")
        void addNestedMember() {
            assertJson("{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}",
                    apply("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]"));
        }

        @Test
        @DisplayName("A.11 ignoring unrecognized elements")
        void ignoreUnknownMembers() {
            assertJson("{\"foo\":\"bar\",\"baz\":\"qux\"}",
                    apply("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]"));
        }

        @Test
        @DisplayName("A.12 adding to a nonexistent target")
        void addToNonexistentTarget() {
            IllegalArgumentException e = refused("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]");
            assertTrue(e.getMessage().contains("'/baz' does not exist"), e.getMessage());
        }

        @Test
        @DisplayName("A.14 ~ escape ordering")
        void escapeOrdering() {
            assertJson("{\"/\":9,\"~1\":10}", apply("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]"));
        }

        @Test
        @DisplayName("A.15 comparing strings and numbers")
        void stringsAreNotNumbers() {
            refused("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]");
        }

        @Test
        @DisplayName("A.16 adding an array value")
        void addArrayValue() {
            assertJson("{\"foo\":[\"bar\",[\"abc\",\"def\"]]}",
                    apply("{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]"));
        }
    }

    @Test
    @DisplayName("every pointer of the RFC 6901 example resolves to the value the RFC names")
    void rfc6901Pointers() {
        String document = """
                {"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\\\j":5,"k\\"l":6," ":7,"m~n":8}""";
        String tests = """
                [{"op":"test","path":"","value":%s},
                 {"op":"test","path":"/foo","value":["bar","baz"]},
                 {"op":"test","path":"/foo/0","value":"bar"},
                 {"op":"test","path":"/","value":0},
                 {"op":"test","path":"/a~1b","value":1},
                 {"op":"test","path":"/c%%d","value":2},
                 {"op":"test","path":"/e^f","value":3},
                 {"op":"test","path":"/g|h","value":4},
                 {"op":"test","path":"/i\\\\j","value":5},
                 {"op":"test","path":"/k\\"l","value":6},
                 {"op":"test","path":"/ ","value":7},
                 {"op":"test","path":"/m~0n","value":8}]""".formatted(document);
        assertJson(document, apply(document, tests));
    }

    @Test
    @DisplayName("the document passed in is never modified, and the result shares nothing with the patch")
    void noAliasing() {
        JsonObject document = new JsonObject().put("list", new JsonArray().add(1)).put("keep", "me");
        String before = document.encode();
        JsonArray patch = patch("""
                [{"op":"add","path":"/list/-","value":{"n":2}},
                 {"op":"remove","path":"/keep"}]""");
        JsonObject result = (JsonObject) JsonPatch.apply(document, patch);
        assertEquals(before, document.encode());
        result.getJsonArray("list").getJsonObject(1).put("n", 3);
        assertEquals(2, patch.getJsonObject(0).getJsonObject("value").getInteger("n"));
    }

    @Test
    @DisplayName("the root can be replaced, added over and tested, but not removed")
    void rootOperations() {
        assertJson("[1]", apply("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]"));
        assertJson("\"text\"", apply("null", "[{\"op\":\"add\",\"path\":\"\",\"value\":\"text\"}]"));
        assertJson("null", apply("{}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":null}]"));
        assertTrue(refused("{}", "[{\"op\":\"remove\",\"path\":\"\"}]").getMessage().contains("whole document"));
    }

    @Test
    @DisplayName("copy duplicates a value deeply, and move within one array keeps the other elements in order")
    void copyAndMove() {
        Object copied = apply("{\"a\":{\"b\":[1]}}", """
                [{"op":"copy","from":"/a","path":"/c"},
                 {"op":"add","path":"/c/b/-","value":2}]""");
        assertJson("{\"a\":{\"b\":[1]},\"c\":{\"b\":[1,2]}}", copied);
        assertJson("[2,3,1]", apply("[1,2,3]", "[{\"op\":\"move\",\"from\":\"/0\",\"path\":\"/-\"}]"));
        assertJson("{\"a\":1}", apply("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]"));
    }

    @Test
    @DisplayName("null is a value like any other: it can be added, replaced and tested, and a null member exists")
    void nullValues() {
        assertJson("{\"a\":null}", apply("{}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":null}]"));
        assertJson("{}", apply("{\"a\":null}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":null},{\"op\":\"remove\",\"path\":\"/a\"}]"));
        refused("{}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":null}]");
    }

    @Test
    @DisplayName("test compares numbers by value and objects without regard to member order")
    void testSemantics() {
        assertJson("{\"n\":1,\"o\":{\"x\":1,\"y\":2}}", apply("{\"n\":1,\"o\":{\"x\":1,\"y\":2}}", """
                [{"op":"test","path":"/n","value":1.0},
                 {"op":"test","path":"/o","value":{"y":2,"x":1}}]"""));
        refused("[1,2]", "[{\"op\":\"test\",\"path\":\"\",\"value\":[2,1]}]");
    }

    @Test
    @DisplayName("invalid patches are refused with a message naming the operation and the problem")
    void invalidPatches() {
        assertMessage("[1]", "[{\"op\":\"add\",\"path\":\"/2\",\"value\":0}]", "operation 0 (add /2): index 2 in '/2' is past the end");
        assertMessage("[1]", "[{\"op\":\"remove\",\"path\":\"/1\"}]", "index 1 in '/1' is out of bounds for an array of 1");
        assertMessage("[1]", "[{\"op\":\"replace\",\"path\":\"/01\",\"value\":0}]", "'01' in '/01' is not an array index");
        assertMessage("[1]", "[{\"op\":\"remove\",\"path\":\"/-\"}]", "'-' in '/-' names the element after the end");
        assertMessage("[1]", "[{\"op\":\"add\",\"path\":\"/99999999999\",\"value\":0}]", "past the end");
        assertMessage("{}", "[{\"op\":\"remove\",\"path\":\"/a\"}]", "path '/a' does not exist");
        assertMessage("{}", "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":1}]", "path '/a' does not exist");
        assertMessage("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}]", "its parent is a number");
        assertMessage("{}", "[{\"op\":\"add\",\"path\":\"/a\"}]", "member 'value' is missing");
        assertMessage("{}", "[{\"path\":\"/a\"}]", "member 'op' is missing");
        assertMessage("{}", "[{\"op\":\"add\",\"value\":1}]", "member 'path' is missing");
        assertMessage("{}", "[{\"op\":\"add\",\"path\":7,\"value\":1}]", "member 'path' must be a string, not a number");
        assertMessage("{}", "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]", "unknown op 'frobnicate'");
        assertMessage("{}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]", "must be empty or start with '/'");
        assertMessage("{}", "[{\"op\":\"add\",\"path\":\"/a~2\",\"value\":1}]", "'~' not followed by 0 or 1");
        assertMessage("{\"a\":{}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}]", "cannot move a value into itself");
        assertMessage("{}", "[{\"op\":\"copy\",\"from\":\"/x\",\"path\":\"/y\"}]", "path '/x' does not exist");
        assertMessage("{}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1},\"nonsense\"]", "operation 0 (test /a)");
        assertMessage("{}", "[\"nonsense\"]", "operation 0 must be an object, not a string");
        assertThrows(IllegalArgumentException.class, () -> JsonPatch.apply(new JsonObject(), null));
    }

    @Test
    @DisplayName("a patch applies all or nothing: a failing operation leaves the caller's document as it was")
    void atomic() {
        JsonObject document = new JsonObject().put("a", 1);
        assertThrows(IllegalArgumentException.class, () -> JsonPatch.apply(document, patch("""
                [{"op":"add","path":"/b","value":2},
                 {"op":"remove","path":"/missing"}]""")));
        assertEquals(new JsonObject().put("a", 1), document);
    }

    @Test
    @DisplayName("pointers round-trip through parse and toString, escaping ~ before /")
    void pointers() {
        JsonPointer pointer = JsonPointer.ROOT.append("a/b").append("m~n").append("").append(3);
        assertEquals("/a~1b/m~0n//3", pointer.toString());
        assertEquals(pointer, JsonPointer.parse(pointer.toString()));
        assertEquals(JsonPointer.ROOT, JsonPointer.parse(""));
        assertEquals(java.util.List.of("~1"), JsonPointer.parse("/~01").tokens());
        assertTrue(JsonPointer.parse("/a").isProperPrefixOf(JsonPointer.parse("/a/b")));
        assertTrue(!JsonPointer.parse("/a").isProperPrefixOf(JsonPointer.parse("/a")));
    }

    static void assertMessage(String document, String patch, String expected) {
        IllegalArgumentException e = refused(document, patch);
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
