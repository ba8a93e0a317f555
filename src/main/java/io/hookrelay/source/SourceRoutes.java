package io.hookrelay.source;

import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.TargetUrlCheck;
import io.hookrelay.http.Page;
import io.hookrelay.http.Principal;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TextRules;
import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.UUID;

/**
 * The sources API. Table watches change the database's schema, so only the operator (admin token) may
 * create or remove them; a tenant key manages the http sources of its own tenant and reads its watches.
 */
public final class SourceRoutes {

    private static final String TABLE_NEEDS_ADMIN = "table watches need the admin token";

    private final Pool pool;
    private final Idempotency idempotency;
    private final TargetUrlCheck targets;
    private final SourceRepository repository = new SourceRepository();
    private final TableWatches watches = new TableWatches(repository);

    public SourceRoutes(Vertx vertx, Pool pool, Idempotency idempotency, TargetUrlPolicy targets) {
        this.pool = pool;
        this.idempotency = idempotency;
        this.targets = new TargetUrlCheck(vertx, targets);
    }

    public void mount(RouterBuilder api) {
        api.getRoute("createSource").addHandler(Endpoint.of(this::create));
        api.getRoute("listSources").addHandler(Endpoint.of(this::list));
        api.getRoute("getSource").addHandler(Endpoint.of(this::get));
        api.getRoute("deleteSource").addHandler(Endpoint.of(this::delete));
    }

    private Future<Reply> create(RoutingContext ctx) {
        Principal caller = Auth.principal(ctx);
        JsonObject body = Endpoint.body(ctx);
        if (Source.TABLE.equals(body.getString("kind"))) {
            if (!caller.admin()) {
                throw ApiException.forbidden(TABLE_NEEDS_ADMIN);
            }
            UUID tenantId = owner(caller, body.getString("tenant_id"));
            TableWatchSpec spec = TableWatchSpec.from(body);
            return idempotency.run(ctx, caller, sql -> requireTenant(sql, caller, tenantId)
                    .compose(ignored -> watches.install(sql, Ids.newId(), tenantId, spec))
                    .map(created -> Reply.created(created.toJson())));
        }
        UUID tenantId = owner(caller, body.getString("tenant_id"));
        HttpSourceSpec spec = HttpSourceSpec.from(body);
        return targets.check(spec.url()).compose(url -> idempotency.run(ctx, caller, sql -> requireTenant(sql, caller, tenantId)
                .compose(ignored -> repository.insertHttp(sql, Ids.newId(), tenantId, spec))
                .map(created -> Reply.created(created.toJson()))));
    }

    private Future<Reply> list(RoutingContext ctx) {
        Principal caller = Auth.principal(ctx);
        Page page = Page.from(ctx);
        return repository.page(pool, visibleTenant(caller), page.after(), page.fetchSize())
                .map(rows -> Reply.ok(page.answer(rows, Source::id, Source::toJson)));
    }

    private Future<Reply> get(RoutingContext ctx) {
        Principal caller = Auth.principal(ctx);
        UUID id = sourceId(ctx);
        return repository.find(pool, id, visibleTenant(caller)).map(found -> Reply.ok(existing(found, id).toJson()));
    }

    private Future<Reply> delete(RoutingContext ctx) {
        Principal caller = Auth.principal(ctx);
        UUID id = sourceId(ctx);
        return pool.withTransaction(conn -> repository.lock(conn, id, visibleTenant(caller)).compose(found -> {
            Source source = existing(found, id);
            if (!source.isTable()) {
                return repository.delete(conn, id);
            }
            if (!caller.admin()) {
                throw ApiException.forbidden(TABLE_NEEDS_ADMIN);
            }
            return watches.remove(conn, source).compose(ignored -> repository.delete(conn, id));
        })).map(ignored -> Reply.noContent());
    }

    /**
     * The tenant a new source belongs to. The admin acts for no tenant, so it must name one; a tenant key
     * may name only its own tenant. A malformed id names no tenant: 404, as for ids in paths.
     */
    private static UUID owner(Principal caller, String given) {
        if (caller.admin()) {
            if (given == null) {
                throw ApiException.unprocessable("tenant-required",
                        "tenant_id: the admin token acts for no tenant; name the tenant the source belongs to");
            }
            return TextRules.pathId(given, "tenant");
        }
        if (given != null && !caller.tenantId().equals(Ids.parse(given))) {
            throw ApiException.forbidden("tenant_id: an API key creates sources for its own tenant only; leave tenant_id out");
        }
        return caller.tenantId();
    }

    /** A key's tenant exists while the key works; a tenant named by the admin is looked up. */
    private Future<Void> requireTenant(SqlClient sql, Principal caller, UUID tenantId) {
        if (!caller.admin()) {
            return Future.succeededFuture();
        }
        return repository.tenantExists(sql, tenantId).compose(exists -> exists ? Future.<Void>succeededFuture()
                : Future.failedFuture(ApiException.notFound("tenant", tenantId.toString())));
    }

    /** Null for the admin, who sees every tenant's sources. */
    private static UUID visibleTenant(Principal caller) {
        return caller.admin() ? null : caller.tenantId();
    }

    private static Source existing(Optional<Source> found, UUID id) {
        return found.orElseThrow(() -> ApiException.notFound("source", id.toString()));
    }

    private static UUID sourceId(RoutingContext ctx) {
        return TextRules.pathId(ctx.pathParam("id"), "source");
    }
}
