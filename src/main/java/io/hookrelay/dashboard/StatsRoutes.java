package io.hookrelay.dashboard;

import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TextRules;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.UUID;

/** Delivery statistics: per subscription, and per tenant (or across tenants for the admin). */
public final class StatsRoutes {

    private final SubscriptionStatsQuery subscriptionStats;
    private final TenantStatsQuery tenantStats;

    public StatsRoutes(Pool pool) {
        this.subscriptionStats = new SubscriptionStatsQuery(pool, Clock.systemUTC());
        this.tenantStats = new TenantStatsQuery(pool, Clock.systemUTC());
    }

    public void mount(RouterBuilder api) {
        api.getRoute("getSubscriptionStats").addHandler(Endpoint.of(this::subscription));
        api.getRoute("getStats").addHandler(Endpoint.of(this::tenant));
    }

    private Future<Reply> subscription(RoutingContext ctx) {
        Scope scope = Scope.of(ctx, null);
        UUID id = TextRules.pathId(ctx.pathParam("id"), "subscription");
        StatsWindow window = StatsWindow.parse(QueryParams.single(ctx, "window"));
        return subscriptionStats.run(scope, id, window).map(Reply::ok);
    }

    private Future<Reply> tenant(RoutingContext ctx) {
        Scope scope = Scope.of(ctx);
        StatsWindow window = StatsWindow.parse(QueryParams.single(ctx, "window"));
        return tenantStats.run(scope, window).map(Reply::ok);
    }
}
