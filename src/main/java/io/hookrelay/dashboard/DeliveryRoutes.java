package io.hookrelay.dashboard;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Page;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TextRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/** The deliveries of the dashboard: list with filters, one with its attempts, retry one or many. */
public final class DeliveryRoutes {

    private final Pool pool;
    private final Idempotency idempotency;
    private final DeliveryRepository repository = new DeliveryRepository();

    public DeliveryRoutes(Pool pool, Idempotency idempotency) {
        this.pool = pool;
        this.idempotency = idempotency;
    }

    public void mount(RouterBuilder api) {
        api.getRoute("listDeliveries").addHandler(Endpoint.of(this::list));
        api.getRoute("getDelivery").addHandler(Endpoint.of(this::get));
        api.getRoute("retryDelivery").addHandler(Endpoint.of(this::retry));
        api.getRoute("retryDeliveries").addHandler(Endpoint.of(this::retryMatching));
    }

    private Future<Reply> list(RoutingContext ctx) {
        Scope scope = Scope.of(ctx);
        Page page = Page.from(ctx);
        DeliveryFilter filter = DeliveryFilter.from(name -> QueryParams.single(ctx, name));
        return repository.page(pool, scope, filter, page.after(), page.fetchSize())
                .map(rows -> Reply.ok(page.answer(rows, DeliveryView::id, DeliveryView::toJson)));
    }

    private Future<Reply> get(RoutingContext ctx) {
        Scope scope = Scope.of(ctx, null);
        UUID id = TextRules.pathId(ctx.pathParam("id"), "delivery");
        return repository.find(pool, scope, id).compose(found -> {
            DeliveryView delivery = found.orElseThrow(() -> ApiException.notFound("delivery", id.toString()));
            return repository.attempts(pool, id).map(attempts -> {
                JsonArray history = new JsonArray();
                attempts.forEach(attempt -> history.add(attempt.toJson()));
                return Reply.ok(delivery.toJson().put("attempts_history", history));
            });
        });
    }

    private Future<Reply> retry(RoutingContext ctx) {
        Scope scope = Scope.of(ctx, null);
        UUID id = TextRules.pathId(ctx.pathParam("id"), "delivery");
        return idempotency.run(ctx, scope.caller(), sql -> repository.retry(sql, scope, id)
                .map(delivery -> new Reply(202, delivery.toJson())));
    }

    private Future<Reply> retryMatching(RoutingContext ctx) {
        JsonObject body = Endpoint.body(ctx);
        Scope scope = Scope.of(ctx, body.getString("tenant_id"));
        DeliveryFilter filter = DeliveryFilter.from(body::getString);
        if (!filter.narrowsBeyondStatus() && filter.status() == null) {
            throw ApiException.validation("name at least one of subscription_id, event_id, since, until or status;"
                    + " an empty filter would queue every delivery again");
        }
        if (filter.status() == null) {
            filter = filter.withStatus("failed");
        } else if (!filter.status().equals("failed") && !filter.status().equals("succeeded")) {
            throw ApiException.validation("status: only failed or succeeded deliveries can be queued again");
        }
        DeliveryFilter chosen = filter;
        return idempotency.run(ctx, scope.caller(), sql -> repository.retryMatching(sql, scope, chosen)
                .map(queued -> new Reply(202, new JsonObject().put("queued", queued.queued())
                        .put("limit_reached", queued.limitReached()))));
    }
}
