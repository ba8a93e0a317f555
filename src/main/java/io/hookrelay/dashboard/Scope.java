package io.hookrelay.dashboard;

import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Principal;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Whose deliveries a call sees: one tenant, or every tenant (the admin without {@code tenant_id}).
 *
 * @param tenantId the tenant, or null for every tenant
 */
record Scope(Principal caller, UUID tenantId) {

    boolean allTenants() {
        return tenantId == null;
    }

    /** The caller's scope, narrowed by an optional {@code tenant_id} (query parameter or body field). */
    static Scope of(RoutingContext ctx, String requestedTenant) {
        Principal caller = Auth.principal(ctx);
        UUID requested = null;
        if (requestedTenant != null) {
            requested = Ids.parse(requestedTenant);
            if (requested == null) {
                throw ApiException.validation("tenant_id: must be a tenant id (a UUID)");
            }
        }
        if (caller.admin()) {
            return new Scope(caller, requested);
        }
        if (requested != null && !requested.equals(caller.tenantId())) {
            // Another tenant's id is treated like any id this key cannot see.
            throw ApiException.notFound("tenant", requested.toString());
        }
        return new Scope(caller, caller.tenantId());
    }

    static Scope of(RoutingContext ctx) {
        return of(ctx, QueryParams.single(ctx, "tenant_id"));
    }
}
