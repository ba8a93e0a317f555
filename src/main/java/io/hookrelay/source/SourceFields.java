package io.hookrelay.source;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.Problems;
import io.vertx.core.json.JsonObject;

/** Small rules shared by the parts of a create body. */
final class SourceFields {

    private SourceFields() {
    }

    /** The create body holds the fields of both kinds; a field of the other kind is a mistake worth naming. */
    static void refuseForeign(JsonObject body, String kind, String... otherKindFields) {
        for (String field : otherKindFields) {
            if (body.containsKey(field)) {
                throw ApiException.validation(field + ": does not apply to kind " + kind);
            }
        }
    }

    /** Caller input quoted back in a problem: short, and without control characters. */
    static String shown(String value, int max) {
        return Problems.clip(value, max).replaceAll("\\p{Cntrl}", "?");
    }
}
