package io.hookrelay.ops;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/** Liveness says the process answers; readiness says it can reach its database and so do real work. */
public final class HealthRoutes {

    private final Pool pool;

    public HealthRoutes(Pool pool) {
        this.pool = pool;
    }

    public void mount(Router router) {
        router.get("/health/live").handler(ctx -> send(ctx, 200, new JsonObject().put("status", "up")));
        router.get("/health/ready").handler(this::ready);
    }

    private void ready(RoutingContext ctx) {
        long started = System.nanoTime();
        pool.query("SELECT 1").execute()
                .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
                .onSuccess(rows -> send(ctx, 200, new JsonObject().put("status", "up").put("checks", new JsonObject()
                        .put("database", new JsonObject().put("status", "up")
                                .put("latency_ms", (System.nanoTime() - started) / 1_000_000)))))
                .onFailure(e -> send(ctx, 503, new JsonObject().put("status", "down").put("checks", new JsonObject()
                        .put("database", new JsonObject().put("status", "down").put("error", String.valueOf(e.getMessage()))))));
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store").end(body.toBuffer());
        }
    }
}
