package io.hookrelay.event;

import io.hookrelay.db.Ids;
import io.hookrelay.http.BodyException;
import io.hookrelay.http.RawJson;
import io.hookrelay.http.ReadObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One event as a publisher sent it, read and checked against the contract: {@code targets} null means every
 * matching subscription; {@code key} is a batch item's own idempotency key; {@code from} and {@code to} are
 * where its text lies in the request body.
 */
record PublishItem(String type, RawJson data, List<UUID> targets, String key, int from, int to) {

    static PublishItem of(ReadObject body, String pointer) {
        return new PublishItem(body.text("type"), (RawJson) body.fields().get("data"),
                targets(body.fields().get("subscription_ids"), pointer + "/subscription_ids"),
                body.text("idempotency_key"), body.from(), body.to());
    }

    NewEvent toEvent(UUID tenantId) {
        return new NewEvent(tenantId, type, data, targets, null);
    }

    int length() {
        return to - from;
    }

    private static List<UUID> targets(Object raw, String pointer) {
        if (raw == null) {
            return null;
        }
        List<?> entries = (List<?>) raw;
        if (entries.isEmpty()) {
            throw new BodyException(pointer, "leave it out to reach every matching subscription, or name at least one");
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            UUID id = Ids.parse((String) entries.get(i));
            if (id == null) {
                throw new BodyException(pointer + "/" + i, "must be a subscription id (a UUID)");
            }
            ids.add(id);
        }
        return new ArrayList<>(ids);
    }
}
