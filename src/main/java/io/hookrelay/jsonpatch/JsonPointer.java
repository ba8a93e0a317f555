package io.hookrelay.jsonpatch;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6901 JSON Pointer: a list of reference tokens, written as {@code /a/b/0} with {@code ~}
 * escaped as {@code ~0} and {@code /} as {@code ~1}. The empty pointer {@code ""} is the whole
 * document.
 */
public record JsonPointer(List<String> tokens) {

    public static final JsonPointer ROOT = new JsonPointer(List.of());

    public JsonPointer {
        tokens = List.copyOf(tokens);
    }

    /** @throws IllegalArgumentException when the text is not a valid pointer */
    public static JsonPointer parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a JSON Pointer is required");
        }
        if (text.isEmpty()) {
            return ROOT;
        }
        if (text.charAt(0) != '/') {
            throw new IllegalArgumentException("JSON Pointer '" + text + "' must be empty or start with '/'");
        }
        List<String> tokens = new ArrayList<>();
        // split with a negative limit keeps empty tokens: "/a//" is ["a", "", ""], and "" is a valid key.
        for (String raw : text.substring(1).split("/", -1)) {
            tokens.add(unescape(raw, text));
        }
        return new JsonPointer(tokens);
    }

    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    public boolean isRoot() {
        return tokens.isEmpty();
    }

    public JsonPointer append(String token) {
        List<String> longer = new ArrayList<>(tokens);
        longer.add(token);
        return new JsonPointer(longer);
    }

    public JsonPointer append(int index) {
        return append(Integer.toString(index));
    }

    /** The pointer to the containing value; the root has none. */
    public JsonPointer parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root pointer has no parent");
        }
        return new JsonPointer(tokens.subList(0, tokens.size() - 1));
    }

    /** The last reference token: the member name or array index within the parent. */
    public String last() {
        if (isRoot()) {
            throw new IllegalStateException("the root pointer has no last token");
        }
        return tokens.get(tokens.size() - 1);
    }

    /** True when {@code other} points strictly inside the value this pointer names. */
    public boolean isProperPrefixOf(JsonPointer other) {
        return other.tokens.size() > tokens.size() && other.tokens.subList(0, tokens.size()).equals(tokens);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (String token : tokens) {
            text.append('/').append(escape(token));
        }
        return text.toString();
    }

    private static String unescape(String raw, String pointer) {
        if (raw.indexOf('~') < 0) {
            return raw;
        }
        StringBuilder token = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '~') {
                token.append(c);
                continue;
            }
            char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
            if (next == '0') {
                token.append('~');
            } else if (next == '1') {
                token.append('/');
            } else {
                throw new IllegalArgumentException(
                        "JSON Pointer '" + pointer + "' has '~' not followed by 0 or 1 (write '~' as ~0 and '/' as ~1)");
            }
            i++;
        }
        return token.toString();
    }
}
