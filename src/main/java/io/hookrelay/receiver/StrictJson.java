package io.hookrelay.receiver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal, strict RFC 8259 reader for one JSON object. It validates the whole document but only
 * materialises the top-level members: each as its exact source text plus, for strings, the decoded
 * value. Nested values stay raw text so the application can hand them to whatever JSON library it
 * already uses.
 */
final class StrictJson {

    /**
     * One top-level member value.
     *
     * @param json   the value exactly as it appears in the document
     * @param string the decoded value if it is a JSON string, otherwise {@code null}
     */
    record Value(String json, String string) {
    }

    // Recursion guard: a body of a million '[' must fail cleanly, not with StackOverflowError.
    static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;

    private StrictJson(String text) {
        this.text = text;
    }

    /**
     * Parses {@code text}, which must hold exactly one JSON object (surrounded by optional whitespace).
     *
     * @throws IllegalArgumentException with the offending offset if the text is not such a document
     */
    static Map<String, Value> readObject(String text) {
        StrictJson reader = new StrictJson(text);
        reader.skipWhitespace();
        if (reader.peek() != '{') {
            throw reader.error("expected a JSON object");
        }
        Map<String, Value> members = reader.readTopLevelObject();
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("unexpected content after the top-level object");
        }
        return members;
    }

    private Map<String, Value> readTopLevelObject() {
        pos++; // '{'
        Map<String, Value> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            String name = readString();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            int start = pos;
            String decoded = peek() == '"' ? readString() : null;
            if (decoded == null) {
                skipValue(1);
            }
            // Duplicate names are legal-but-undefined in RFC 8259; rejecting them ensures this reader and
            // the application's own JSON parser cannot disagree about which "type" was signed.
            if (members.put(name, new Value(text.substring(start, pos), decoded)) != null) {
                throw error("duplicate member name");
            }
            skipWhitespace();
            int c = next();
            if (c == '}') {
                return Collections.unmodifiableMap(members);
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        int c = peek();
        switch (c) {
            case '{' -> skipObject(depth);
            case '[' -> skipArray(depth);
            case '"' -> readString();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || isDigit(c)) {
                    skipNumber();
                } else {
                    throw error("expected a JSON value");
                }
            }
        }
    }

    private void skipObject(int depth) {
        pos++; // '{'
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            readString();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            skipValue(depth + 1);
            skipWhitespace();
            int c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private void skipArray(int depth) {
        pos++; // '['
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            skipValue(depth + 1);
            skipWhitespace();
            int c = next();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String readString() {
        if (peek() != '"') {
            throw error("expected a string");
        }
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            int c = next();
            if (c == -1) {
                throw error("unterminated string");
            }
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character in string");
            }
            if (c != '\\') {
                out.append((char) c);
                continue;
            }
            int escape = next();
            switch (escape) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(readHexChar());
                default -> throw error("invalid escape sequence");
            }
        }
    }

    private char readHexChar() {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(next(), 16);
            // Character.digit also accepts non-ASCII digits (e.g. fullwidth); JSON allows only ASCII hex.
            if (digit < 0 || text.charAt(pos - 1) > 'f') {
                throw error("invalid \\u escape");
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private void skipNumber() {
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            skipDigits();
        } else {
            throw error("invalid number");
        }
        if (peek() == '.') {
            pos++;
            requireDigits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            requireDigits();
        }
    }

    private void requireDigits() {
        if (!isDigit(peek())) {
            throw error("invalid number");
        }
        skipDigits();
    }

    private void skipDigits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private void literal(String word) {
        if (!text.startsWith(word, pos)) {
            throw error("expected a JSON value");
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private void skipWhitespace() {
        while (true) {
            int c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private int next() {
        int c = peek();
        if (c != -1) {
            pos++;
        }
        return c;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }
}
