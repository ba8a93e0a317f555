package io.hookrelay.http;

import java.util.Map;

/** A JSON object read by {@link BodyReader}: its fields, and where its text lies in the body (bytes, end excluded). */
public record ReadObject(Map<String, Object> fields, int from, int to) {

    public String text(String name) {
        return (String) fields.get(name);
    }
}
