package io.hookrelay.source.poll;

import io.hookrelay.event.NewEvent;
import io.hookrelay.jsonpatch.JsonDiff;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Decides what a freshly fetched body means: the first body of a source is a {@code resource.snapshot},
 * a body that differs from the last one as a JSON value is a {@code resource.changed} carrying the RFC
 * 6902 patch between them, and anything else is no news. Key order and number spelling (1 vs 1.0) are
 * not changes.
 */
final class ChangeDetector {

    static final String SNAPSHOT = "resource.snapshot";
    static final String CHANGED = "resource.changed";

    private ChangeDetector() {
    }

    /** The event to emit for this body, if any. */
    static Optional<NewEvent> detect(PolledSource source, Object body) {
        JsonObject data = new JsonObject()
                .put("source_id", source.id().toString())
                .put("url", source.url());
        if (source.lastBody() == null) {
            return Optional.of(event(source, SNAPSHOT, data.put("body", body)));
        }
        JsonArray patch = JsonDiff.diff(Json.decodeValue(source.lastBody()), body);
        if (patch.isEmpty()) {
            return Optional.empty();
        }
        data.put("patch", patch);
        if (source.includeBody()) {
            data.put("body", body);
        }
        return Optional.of(event(source, CHANGED, data));
    }

    private static NewEvent event(PolledSource source, String type, JsonObject data) {
        return new NewEvent(source.tenantId(), type, data, null, source.id());
    }
}
