package io.hookrelay.event;

import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Page;
import io.hookrelay.http.Principal;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TextRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Publishing events into the outbox and reading them back. */
public final class EventRoutes {

    /** Large enough to absorb a burst in one commit, small enough to keep one statement's parameters modest. */
    private static final int MAX_BATCH = 500;
    private static final String OWNED_SUBSCRIPTIONS = """
            SELECT count(*) AS found FROM subscriptions WHERE tenant_id = $1 AND id = ANY($2)
            """;
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
    private final Idempotency idempotency;
    private final EventStore store = new EventStore();
    private final EventSchemas schemas;
    private final EventBatchWriter batches;

    public EventRoutes(Pool pool, Idempotency idempotency, EventSchemas schemas) {
        this.pool = pool;
        this.batches = new EventBatchWriter(pool, MAX_BATCH);
        this.idempotency = idempotency;
        this.schemas = schemas;
    }

    public void mount(RouterBuilder api) {
        api.getRoute("createEvent").addHandler(Endpoint.of(this::create));
        api.getRoute("listEvents").addHandler(Endpoint.of(this::list));
        api.getRoute("getEvent").addHandler(Endpoint.of(this::get));
    }

    private Future<Reply> create(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        JsonObject body = Endpoint.body(ctx);
        String type = body.getString("type");
        Object data = body.getValue("data");
        if (JsonText.containsNul(data)) {
            throw ApiException.validation("data: strings must not contain the NUL character (\\u0000)");
        }
        List<UUID> targets = subscriptionIds(body.getJsonArray("subscription_ids"));
        NewEvent event = new NewEvent(tenant.tenantId(), type, data, targets, null);
        Future<Void> valid = schemas.check(pool, tenant.tenantId(), type, data);
        if (ctx.request().getHeader(Idempotency.HEADER) == null) {
            return valid.compose(ok -> checkTargets(pool, tenant.tenantId(), targets))
                    .compose(owned -> batches.write(event))
                    .map(stored -> new Reply(202, stored.toJson()));
        }
        return valid.compose(ok -> idempotency.run(ctx, tenant, sql -> checkTargets(sql, tenant.tenantId(), targets)
                .compose(owned -> store.insert(sql, event))
                .map(stored -> new Reply(202, stored.toJson()))));
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

    private static List<UUID> subscriptionIds(JsonArray raw) {
        if (raw == null) {
            return null;
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (Object item : raw) {
            UUID id = item instanceof String text ? Ids.parse(text) : null;
            if (id == null) {
                throw ApiException.validation("subscription_ids: every entry must be a subscription id (a UUID)");
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            throw ApiException.validation("subscription_ids: leave it out to reach every matching subscription, or name at least one");
        }
        return new ArrayList<>(ids);
    }

    private static Future<Void> checkTargets(SqlClient sql, UUID tenantId, List<UUID> targets) {
        if (targets == null) {
            return Future.succeededFuture();
        }
        return sql.preparedQuery(OWNED_SUBSCRIPTIONS).execute(Tuple.tuple().addValue(tenantId).addValue(targets.toArray(UUID[]::new)))
                .map(rows -> {
                    if (rows.iterator().next().getLong("found") != targets.size()) {
                        throw ApiException.unprocessable("unknown-subscription",
                                "subscription_ids: names a subscription this tenant does not have");
                    }
                    return null;
                });
    }

    private static OffsetDateTime time(RoutingContext ctx, String name) {
        String raw = ctx.request().getParam(name);
        return raw == null ? null : TextRules.time(raw, name);
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
