package io.hookrelay.event;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Page;
import io.hookrelay.http.Principal;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TextRules;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Reading the outbox back: a tenant's events, one page or one event at a time ({@link PublishRoutes} writes them). */
public final class EventRoutes {

    private static final String PAGE = "SELECT " + EventStore.COLUMNS + """
             FROM events
            WHERE tenant_id = $1
              AND ($2::uuid IS NULL OR id < $2)
              AND ($3::text IS NULL OR type = $3)
              AND ($4::text IS NULL OR type LIKE $4 ESCAPE '\\')
              AND ($5::timestamptz IS NULL OR created_at >= $5)
              AND ($6::timestamptz IS NULL OR created_at < $6)
            ORDER BY id DESC LIMIT $7
            """;

    private final Pool pool;
    private final EventStore store = new EventStore();

    public EventRoutes(Pool pool) {
        this.pool = pool;
    }

    public void mount(RouterBuilder api) {
        api.getRoute("listEvents").addHandler(Endpoint.of(this::list));
        api.getRoute("getEvent").addHandler(Endpoint.of(this::get));
    }

    private Future<Reply> list(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        Page page = Page.from(ctx);
        String type = ctx.request().getParam("type");
        String exact = null;
        String prefix = null;
        if (type != null) {
            if (type.endsWith(".*")) {
                prefix = likeEscape(type.substring(0, type.length() - 1)) + "%";
            } else {
                exact = type;
            }
        }
        Tuple args = Tuple.tuple().addValue(tenant.tenantId()).addValue(page.after()).addValue(exact).addValue(prefix)
                .addValue(time(ctx, "since")).addValue(time(ctx, "until")).addValue(page.fetchSize());
        return pool.preparedQuery(PAGE).execute(args)
                .map(rows -> Reply.ok(page.answer(EventStore.all(rows), Event::id, Event::toJson)));
    }

    private Future<Reply> get(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = TextRules.pathId(ctx.pathParam("id"), "event");
        return store.find(pool, id, tenant.tenantId()).map(found -> Reply.ok(found
                .orElseThrow(() -> ApiException.notFound("event", id.toString())).toJson()));
    }

    private static OffsetDateTime time(RoutingContext ctx, String name) {
        String raw = ctx.request().getParam(name);
        return raw == null ? null : TextRules.time(raw, name);
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
