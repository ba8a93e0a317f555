package io.hookrelay.tenant;

import io.hookrelay.crypto.Tokens;
import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Page;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TextRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/** Admin calls: tenants and their API keys. */
public final class TenantRoutes {

    /** Keys look like {@code hr_<43 url-safe chars>}; the prefix shown in lists is the first 11 characters. */
    static final String KEY_PREFIX = "hr_";
    private static final int SHOWN_PREFIX = 11;

    private final Pool pool;
    private final Idempotency idempotency;
    private final TenantRepository tenants = new TenantRepository();
    private final ApiKeyRepository keys;

    private final ApiKeyCache keyCache;

    public TenantRoutes(Pool pool, Idempotency idempotency, ApiKeyCache keyCache) {
        this.pool = pool;
        this.idempotency = idempotency;
        this.keys = new ApiKeyRepository(pool);
        this.keyCache = keyCache;
    }

    public void mount(RouterBuilder api) {
        api.getRoute("createTenant").addHandler(Endpoint.of(this::createTenant));
        api.getRoute("listTenants").addHandler(Endpoint.of(this::listTenants));
        api.getRoute("getTenant").addHandler(Endpoint.of(this::getTenant));
        api.getRoute("createApiKey").addHandler(Endpoint.of(this::createApiKey));
        api.getRoute("listApiKeys").addHandler(Endpoint.of(this::listApiKeys));
        api.getRoute("getApiKey").addHandler(Endpoint.of(this::getApiKey));
        api.getRoute("revokeApiKey").addHandler(Endpoint.of(this::revokeApiKey));
    }

    private Future<Reply> createTenant(RoutingContext ctx) {
        var admin = Auth.requireAdmin(ctx);
        String name = TextRules.requiredLine(Endpoint.body(ctx).getString("name"), "name");
        return idempotency.run(ctx, admin, sql -> tenants.insert(sql, Ids.newId(), name)
                .map(tenant -> Reply.created(tenant.toJson())));
    }

    private Future<Reply> listTenants(RoutingContext ctx) {
        Auth.requireAdmin(ctx);
        Page page = Page.from(ctx);
        return tenants.page(pool, page.after(), page.fetchSize())
                .map(rows -> Reply.ok(page.answer(rows, Tenant::id, Tenant::toJson)));
    }

    private Future<Reply> getTenant(RoutingContext ctx) {
        Auth.requireAdmin(ctx);
        UUID id = pathId(ctx, "tenant");
        return tenants.find(pool, id).map(found -> Reply.ok(found
                .orElseThrow(() -> ApiException.notFound("tenant", id.toString())).toJson()));
    }

    private Future<Reply> createApiKey(RoutingContext ctx) {
        var admin = Auth.requireAdmin(ctx);
        UUID tenantId = pathId(ctx, "tenant");
        String name = TextRules.optionalLine(Endpoint.body(ctx).getString("name"), "name");
        String key = KEY_PREFIX + Tokens.randomToken(32);
        return idempotency.run(ctx, admin, sql -> tenants.find(sql, tenantId)
                .compose(tenant -> {
                    if (tenant.isEmpty()) {
                        return Future.failedFuture(ApiException.notFound("tenant", tenantId.toString()));
                    }
                    return keys.insert(sql, Ids.newId(), tenantId, name, key.substring(0, SHOWN_PREFIX), Tokens.sha256(key));
                })
                .map(created -> Reply.created(created.toJson().put("key", key))));
    }

    private Future<Reply> listApiKeys(RoutingContext ctx) {
        Auth.requireAdmin(ctx);
        UUID tenantId = pathId(ctx, "tenant");
        Page page = Page.from(ctx);
        return tenants.find(pool, tenantId).compose(tenant -> {
            if (tenant.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("tenant", tenantId.toString()));
            }
            return keys.page(tenantId, page.after(), page.fetchSize())
                    .map(rows -> Reply.ok(page.answer(rows, ApiKey::id, ApiKey::toJson)));
        });
    }

    private Future<Reply> getApiKey(RoutingContext ctx) {
        Auth.requireAdmin(ctx);
        UUID id = pathId(ctx, "API key");
        return keys.find(id).map(found -> Reply.ok(found
                .orElseThrow(() -> ApiException.notFound("API key", id.toString())).toJson()));
    }

    private Future<Reply> revokeApiKey(RoutingContext ctx) {
        Auth.requireAdmin(ctx);
        UUID id = pathId(ctx, "API key");
        return keys.revoke(id).map(found -> {
            keyCache.forget(id);
            return Reply.ok(found.orElseThrow(() -> ApiException.notFound("API key", id.toString())).toJson());
        });
    }

    private static UUID pathId(RoutingContext ctx, String what) {
        return TextRules.pathId(ctx.pathParam("id"), what);
    }
}
