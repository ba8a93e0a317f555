package io.hookrelay.subscription;

import io.hookrelay.http.JsonFormat;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** The signing secrets of one subscription, decrypted: the current one and, during rotation, the previous. */
public record SubscriptionSecrets(String current, String previous, OffsetDateTime previousExpiresAt) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("secret", current)
                .put("previous_secret", previous)
                .put("previous_secret_expires_at", JsonFormat.time(previous == null ? null : previousExpiresAt));
    }
}
