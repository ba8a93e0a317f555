package io.hookrelay.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** PostgreSQL's jsonb cannot store U+0000, which JSON allows; such data is the caller's to fix. */
final class JsonText {

    private JsonText() {
    }

    static boolean containsNul(Object value) {
        if (value instanceof String text) {
            return text.indexOf('\u0000') >= 0;
        }
        if (value instanceof JsonObject object) {
            for (Map.Entry<String, Object> entry : object) {
                if (entry.getKey().indexOf('\u0000') >= 0 || containsNul(entry.getValue())) {
                    return true;
                }
            }
        } else if (value instanceof JsonArray array) {
            for (Object item : array) {
                if (containsNul(item)) {
                    return true;
                }
            }
        }
        return false;
    }
}
