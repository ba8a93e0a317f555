package io.hookrelay.http;

import java.util.UUID;

/** Who is calling: the operator holding the admin token, or one tenant through one of its API keys. */
public record Principal(boolean admin, UUID tenantId, UUID apiKeyId) {

    public static final Principal ADMIN = new Principal(true, null, null);

    public static Principal tenant(UUID tenantId, UUID apiKeyId) {
        return new Principal(false, tenantId, apiKeyId);
    }

    /** The namespace for per-caller bookkeeping such as idempotency keys. */
    public String scope() {
        return admin ? "admin" : tenantId.toString();
    }
}
