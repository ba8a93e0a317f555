package io.hookrelay.stream;

import io.vertx.core.Future;
import java.util.UUID;

/** A connected reader of the live feed (an SSE stream or a waiting long poll), used on its own event loop. */
interface StreamClient {

    /** The tenant whose events it may see, or null for the admin (every tenant). */
    UUID tenantId();

    /** New final events of its tenant, in feed order; it applies its own type filter and position. */
    void offer(EventBatch batch);

    /** The service is stopping: finish now; completes once the client has had its last answer. */
    Future<Void> shutdown();
}
