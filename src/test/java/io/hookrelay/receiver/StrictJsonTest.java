package io.hookrelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

    @Test
    void readsTopLevelMembersAsRawTextAndDecodedStrings() {
        Map<String, StrictJson.Value> members = StrictJson.readObject(
                " {\"type\" : \"a\\\"b\\u00e9\\n\", \"n\": -1.5e+3, \"data\": { \"x\" : [1, {\"y\": null}] },"
                        + " \"t\": true, \"f\": false, \"z\": null, \"s\": \"\\/\\\\\\b\\f\\r\\t\"}\n");

        assertEquals(List.of("type", "n", "data", "t", "f", "z", "s"), List.copyOf(members.keySet()));
        assertEquals("a\"b\u00e9\n", members.get("type").string());
        assertEquals("\"a\\\"b\\u00e9\\n\"", members.get("type").json());
        assertEquals("-1.5e+3", members.get("n").json());
        assertNull(members.get("n").string());
        assertEquals("{ \"x\" : [1, {\"y\": null}] }", members.get("data").json());
        assertEquals("true", members.get("t").json());
        assertEquals("null", members.get("z").json());
        assertEquals("/\\\b\f\r\t", members.get("s").string());
    }

    @Test
    void readsEmptyObjectsAndArrays() {
        assertEquals(Map.of(), StrictJson.readObject("{}"));
        assertEquals("[]", StrictJson.readObject("{\"a\":[]}").get("a").json());
        assertEquals("{}", StrictJson.readObject("{\"a\":{}}").get("a").json());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "12", "1.25", "1e5", "1E-5", "-0.0e0", "2432232314"})
    void acceptsValidNumbers(String number) {
        assertEquals(number, StrictJson.readObject("{\"n\":" + number + "}").get("n").json());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "[]", "\"s\"", "1", "null",                          // not an object
        "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", // structure
        "{a:1}", "{'a':1}", "{\"a\":1}}", "{\"a\":1} x", "{\"a\":1}{}",     // names, trailing content
        "{\"a\":01}", "{\"a\":+1}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":NaN}",
        "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}",
        "{\"a\":\"unterminated}", "{\"a\":\"bad \\x escape\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\u12\"}",
        "{\"a\":\"raw\ttab\"}", "{\"a\":\"raw\nnewline\"}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\"}}",
        "{\"a\":1,\"a\":2}",                                            // duplicate top-level member
        "\uFEFF{}",                                                     // byte order mark
        "{\"a\":\"\\u\uFF11\uFF11\uFF11\uFF11\"}"                       // fullwidth digits in \\u
    })
    void rejectsInvalidDocuments(String json) {
        assertThrows(IllegalArgumentException.class, () -> StrictJson.readObject(json));
    }

    @Test
    void rejectsExcessiveNestingWithoutStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(IllegalArgumentException.class, () -> StrictJson.readObject(deep));

        String ok = "{\"a\":" + "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH) + "}";
        assertEquals(StrictJson.MAX_DEPTH * 2, StrictJson.readObject(ok).get("a").json().length());
    }

    @Test
    void nestedDuplicateNamesArePassedThroughForTheApplicationToJudge() {
        assertEquals("{\"b\":1,\"b\":2}", StrictJson.readObject("{\"a\":{\"b\":1,\"b\":2}}").get("a").json());
    }
}
