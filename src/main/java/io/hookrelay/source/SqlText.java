package io.hookrelay.source;

/**
 * Quoting for the few places where SQL cannot take parameters: DDL names and trigger arguments.
 * Callers validate first; quoting is the second wall, so a value that slipped past validation is
 * still read as one name or one string and never as SQL.
 */
final class SqlText {

    private SqlText() {
    }

    /** A quoted identifier: {@code my"table} becomes {@code "my""table"}. */
    static String identifier(String name) {
        requireNoNul(name);
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * A string literal: {@code it's} becomes {@code 'it''s'}. A value with backslashes takes the
     * {@code E''} form with them doubled, as PostgreSQL's own quote_literal does, so the literal means
     * the same whatever a session's standard_conforming_strings says.
     */
    static String literal(String value) {
        requireNoNul(value);
        String quoted = '\'' + value.replace("'", "''") + '\'';
        return value.indexOf('\\') < 0 ? quoted : "E'" + value.replace("\\", "\\\\").replace("'", "''") + '\'';
    }

    // PostgreSQL cannot store NUL in text; refusing it here keeps the quoting total.
    private static void requireNoNul(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("SQL text must not contain NUL");
        }
    }
}
