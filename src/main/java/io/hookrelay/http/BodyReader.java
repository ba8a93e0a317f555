package io.hookrelay.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON request body once, as a stream of tokens, checking it against a {@link BodyShape} from the
 * contract as it goes. Values the contract leaves unconstrained (an event's {@code data}) are not built into
 * objects: they come back as {@link RawJson}, the text received, after checking what PostgreSQL's jsonb would
 * refuse (U+0000, lone surrogates, numbers it cannot hold or that would expand to huge values).
 * Objects come back as {@link ReadObject}, arrays as lists, strings as strings.
 */
public final class BodyReader {

    /** Covers every double (1e308, 4.9e-324); beyond that jsonb stores every digit of the expansion. */
    static final int MAX_EXPONENT = 400;
    // Jackson's defaults bound nesting (1,000 levels) and number length (1,000 characters).
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final byte[] bytes;
    private final JsonParser parser;
    private final List<Object> path = new ArrayList<>();

    private BodyReader(byte[] bytes) throws IOException {
        this.bytes = bytes;
        this.parser = JSON.createParser(bytes);
    }

    /**
     * The request's body read against {@code shape}, after the checks the generic validator would make first:
     * a JSON media type (415 otherwise) and a body at all.
     */
    public static Object read(RoutingContext ctx, BodyShape shape) {
        String type = ctx.request().getHeader("content-type");
        String media = type == null ? "" : type.substring(0, type.indexOf(';') < 0 ? type.length() : type.indexOf(';')).trim();
        if (!media.equalsIgnoreCase("application/json")) {
            throw new ApiException(415, "unsupported-media-type", "Unsupported media type", "send the body as application/json");
        }
        return read(ctx.body() == null ? null : ctx.body().buffer(), shape);
    }

    /** The body read against {@code shape}; a body that is not JSON answers 400, one that breaks the shape a {@link BodyException}. */
    public static Object read(Buffer body, BodyShape shape) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        if (!Utf8.isValid(bytes)) {
            throw ApiException.badRequest("the body is not valid JSON (it is not UTF-8)");
        }
        try {
            BodyReader reader = new BodyReader(bytes);
            JsonToken first = reader.parser.nextToken();
            if (first == null) {
                throw ApiException.badRequest("the body is empty; send a JSON object");
            }
            Object value = reader.value(shape, first);
            if (reader.parser.nextToken() != null) {
                throw ApiException.badRequest("the body is not valid JSON: more follows the first value");
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + Problems.clip(firstLine(e), 200));
        } catch (IOException e) {
            throw ApiException.badRequest("the body is not valid JSON" + (isEncoding(e) ? " (it is not UTF-8)" : ""));
        }
    }

    private Object value(BodyShape shape, JsonToken token) throws IOException {
        if (shape instanceof BodyShape.Text text) {
            return text(text, token);
        }
        if (shape instanceof BodyShape.ObjectOf object) {
            return object(object, token);
        }
        if (shape instanceof BodyShape.ArrayOf array) {
            return array(array, token);
        }
        return raw(token);
    }

    private ReadObject object(BodyShape.ObjectOf shape, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw refused("must be an object");
        }
        int from = (int) parser.currentTokenLocation().getByteOffset();
        Map<String, Object> fields = new LinkedHashMap<>();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
            String name = parser.currentName();
            path.add(name);
            checkText(name);
            BodyShape field = shape.properties().get(name);
            if (field == null && !shape.otherFields()) {
                throw refused("is not a known field");
            }
            if (fields.containsKey(name)) {
                throw refused("appears more than once");
            }
            JsonToken valueToken = parser.nextToken();
            if (field == null) {
                parser.skipChildren();
            } else {
                fields.put(name, value(field, valueToken));
            }
            path.remove(path.size() - 1);
        }
        for (String name : shape.required()) {
            if (!fields.containsKey(name)) {
                path.add(name);
                throw refused("is required");
            }
        }
        return new ReadObject(fields, from, (int) parser.currentLocation().getByteOffset());
    }

    private List<Object> array(BodyShape.ArrayOf shape, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw refused("must be an array");
        }
        List<Object> items = new ArrayList<>();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
            if (items.size() == shape.maxItems()) {
                throw refused("must have at most " + shape.maxItems() + " items");
            }
            path.add(items.size());
            items.add(value(shape.items(), next));
            path.remove(path.size() - 1);
        }
        if (items.size() < shape.minItems()) {
            throw refused("must have at least " + shape.minItems() + (shape.minItems() == 1 ? " item" : " items"));
        }
        return items;
    }

    private String text(BodyShape.Text shape, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw refused("must be a string");
        }
        String text = parser.getText();
        checkText(text);
        int length = text.codePointCount(0, text.length());
        if (length < shape.minLength()) {
            throw refused("must be at least " + shape.minLength() + " characters");
        }
        if (length > shape.maxLength()) {
            throw refused("must be at most " + shape.maxLength() + " characters");
        }
        if (shape.pattern() != null && !shape.pattern().matcher(text).find()) {
            throw refused("must match the pattern " + shape.pattern().pattern());
        }
        return text;
    }

    /** Any JSON value, kept as text; containers as the bytes received, scalars written as they were. */
    private RawJson raw(JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT, START_ARRAY -> {
                int from = (int) parser.currentTokenLocation().getByteOffset();
                checkContainer();
                int to = (int) parser.currentLocation().getByteOffset();
                return new RawJson(new String(bytes, from, to - from, StandardCharsets.UTF_8));
            }
            case VALUE_STRING -> {
                String text = parser.getText();
                checkText(text);
                return new RawJson(Json.encode(text));
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                checkNumber();
                return new RawJson(parser.getText());
            }
            case VALUE_TRUE -> {
                return new RawJson("true");
            }
            case VALUE_FALSE -> {
                return new RawJson("false");
            }
            case VALUE_NULL -> {
                return new RawJson("null");
            }
            default -> throw ApiException.badRequest("the body is not valid JSON");
        }
    }

    /** Walks a container's tokens, decoding every string (which also checks its UTF-8) without building objects. */
    private void checkContainer() throws IOException {
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case FIELD_NAME, VALUE_STRING -> checkChars(parser.getTextCharacters(), parser.getTextOffset(),
                        parser.getTextLength());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> checkNumber();
                default -> {
                    // true, false, null: nothing to check
                }
            }
        }
    }

    private void checkText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                checkChars(text.toCharArray(), 0, text.length());
                return;
            }
        }
    }

    private void checkChars(char[] chars, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = chars[i];
            if (c == 0) {
                throw refused("strings must not contain the NUL character (\\u0000)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw refused("strings must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff)");
            }
        }
    }

    private void checkNumber() throws IOException {
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int end = offset + parser.getTextLength();
        for (int i = offset; i < end; i++) {
            if (chars[i] == 'e' || chars[i] == 'E') {
                long exponent = 0;
                boolean negative = false;
                int j = i + 1;
                if (j < end && (chars[j] == '+' || chars[j] == '-')) {
                    negative = chars[j] == '-';
                    j++;
                }
                for (; j < end && exponent <= MAX_EXPONENT; j++) {
                    exponent = exponent * 10 + (chars[j] - '0');
                }
                if (exponent > MAX_EXPONENT) {
                    throw refused("numbers must have a decimal exponent between -" + MAX_EXPONENT + " and " + MAX_EXPONENT
                            + (negative ? " (this one is below)" : " (this one is above)"));
                }
                return;
            }
        }
    }

    private BodyException refused(String rule) {
        StringBuilder pointer = new StringBuilder();
        for (Object segment : path) {
            pointer.append('/').append(segment instanceof String name
                    ? Problems.clip(name, 100).replace("~", "~0").replace("/", "~1") : segment);
        }
        return new BodyException(pointer.toString(), rule);
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int line = message.indexOf('\n');
        return line < 0 ? message : message.substring(0, line);
    }

    private static boolean isEncoding(IOException e) {
        return String.valueOf(e.getMessage()).contains("UTF-8") || e instanceof java.io.CharConversionException;
    }
}
