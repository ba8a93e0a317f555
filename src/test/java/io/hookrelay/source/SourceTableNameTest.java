package io.hookrelay.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hookrelay.http.ApiException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which table names a watch accepts, before the catalogue is asked. */
class SourceTableNameTest {

    @Test
    @DisplayName("a bare name is in schema public; schema.name is taken as given, case and all")
    void accepted() {
        assertEquals(new TableName("public", "orders"), TableName.parse("orders"));
        assertEquals(new TableName("Shop", "Order$Lines_2"), TableName.parse("Shop.Order$Lines_2"));
        assertEquals("_x." + "a".repeat(63), TableName.parse("_x." + "a".repeat(63)).qualified());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", ".", "a.", ".a", "a.b.c", "1a", "$a", "a-b", "a b", "\"a\"", "a;b", "ä", "a\u0000",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    @DisplayName("anything but one or two plain SQL names of up to 63 ASCII characters is a 400")
    void refused(String raw) {
        ApiException refused = assertThrows(ApiException.class, () -> TableName.parse(raw));
        assertEquals(400, refused.status());
    }
}
