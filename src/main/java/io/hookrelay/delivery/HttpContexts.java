package io.hookrelay.delivery;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Keeps work on the Vert.x context it belongs to. */
final class HttpContexts {

    private HttpContexts() {}

    /** Runs the action on {@code context}: right away when already there, else as a task on it. */
    static void runOn(Context context, Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
