package io.hookrelay.event;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Page;
import io.hookrelay.http.Principal;
import io.hookrelay.http.Problems;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TextRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/** A tenant's catalogue of event types and their optional JSON Schemas. */
public final class EventTypeRoutes {

    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$");

    private final Pool pool;
    private final Idempotency idempotency;
    private final EventTypeRepository repository;
    private final EventSchemas schemas;

    public EventTypeRoutes(Pool pool, Idempotency idempotency, EventSchemas schemas) {
        this.pool = pool;
        this.idempotency = idempotency;
        this.repository = new EventTypeRepository();
        this.schemas = schemas;
    }

    /** The catalogue and the publishing side, over the schema cache all event loops share. */
    public static EventRoutes mountAll(RouterBuilder api, Pool pool, Idempotency idempotency, EventSchemas schemas) {
        new EventTypeRoutes(pool, idempotency, schemas).mount(api);
        EventRoutes events = new EventRoutes(pool);
        events.mount(api);
        return events;
    }

    public void mount(RouterBuilder api) {
        api.getRoute("createEventType").addHandler(Endpoint.of(this::create));
        api.getRoute("listEventTypes").addHandler(Endpoint.of(this::list));
        api.getRoute("getEventType").addHandler(Endpoint.of(this::get));
        api.getRoute("updateEventType").addHandler(Endpoint.of(this::update));
        api.getRoute("deleteEventType").addHandler(Endpoint.of(this::delete));
    }

    private Future<Reply> create(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        JsonObject body = Endpoint.body(ctx);
        String name = body.getString("name");
        String description = TextRules.optionalText(body.getString("description"), "description");
        JsonObject schema = body.getJsonObject("schema");
        if (schema != null) {
            schemas.compile(schema);
        }
        return idempotency.run(ctx, tenant, sql -> repository.insert(sql, tenant.tenantId(), name, description, schema)
                .map(created -> {
                    schemas.forget(tenant.tenantId(), name);
                    return Reply.created(created.orElseThrow(() -> ApiException.conflict("event-type-exists",
                            "the event type " + name + " already exists; PATCH it to change it")).toJson());
                }));
    }

    private Future<Reply> list(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        int limit = Page.limit(ctx);
        String after = decodeCursor(ctx.request().getParam("cursor"));
        return repository.page(pool, tenant.tenantId(), after, limit + 1).map(rows -> {
            JsonArray data = new JsonArray();
            rows.stream().limit(limit).forEach(type -> data.add(type.toJson()));
            String next = rows.size() > limit ? encodeCursor(rows.get(limit - 1).name()) : null;
            return Reply.ok(new JsonObject().put("data", data).put("next_cursor", next));
        });
    }

    private Future<Reply> get(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        String name = name(ctx);
        return repository.find(pool, tenant.tenantId(), name).map(found -> Reply.ok(found
                .orElseThrow(() -> notFound(name)).toJson()));
    }

    private Future<Reply> update(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        String name = name(ctx);
        JsonObject body = Endpoint.body(ctx);
        JsonObject schema = body.getJsonObject("schema");
        if (schema != null) {
            schemas.compile(schema);
        }
        return repository.update(pool, tenant.tenantId(), name,
                        body.containsKey("description"), TextRules.optionalText(body.getString("description"), "description"),
                        body.containsKey("schema"), schema)
                .map(found -> {
                    schemas.forget(tenant.tenantId(), name);
                    return Reply.ok(found.orElseThrow(() -> notFound(name)).toJson());
                });
    }

    private Future<Reply> delete(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        String name = name(ctx);
        return repository.delete(pool, tenant.tenantId(), name).map(deleted -> {
            schemas.forget(tenant.tenantId(), name);
            if (!deleted) {
                throw notFound(name);
            }
            return Reply.noContent();
        });
    }

    private static String name(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw notFound(name);
        }
        return name;
    }

    private static ApiException notFound(String name) {
        return new ApiException(404, "not-found", "Not found", "no event type named " + Problems.clip(name, 80));
    }

    private static String encodeCursor(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String name = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (NAME.matcher(name).matches()) {
                return name;
            }
        } catch (IllegalArgumentException ignored) {
            // answered below
        }
        throw ApiException.badRequest("cursor is not one this service handed out; pass next_cursor unchanged");
    }
}
