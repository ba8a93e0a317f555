package io.hookrelay.http;

import io.hookrelay.crypto.Tokens;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Resolves the bearer token of every {@code /v1} call to a {@link Principal}. Checked before the body is
 * validated, so an anonymous caller learns nothing about the contract from error details.
 */
public final class Auth {

    /** Finds the tenant owning an unrevoked key with this SHA-256 hash. */
    @FunctionalInterface
    public interface KeyLookup {
        Future<Optional<Principal>> findByHash(byte[] keyHash);
    }

    private static final String KEY = "principal";
    private static final int MAX_TOKEN_LENGTH = 512;

    private final byte[] adminTokenHash;
    private final KeyLookup keys;

    public Auth(String adminToken, KeyLookup keys) {
        this.adminTokenHash = Tokens.sha256(adminToken);
        this.keys = keys;
    }

    public void handle(RoutingContext ctx) {
        if (!ctx.request().path().startsWith("/v1/")) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader("authorization");
        if (header == null || header.isBlank()) {
            ctx.fail(ApiException.unauthorized("send Authorization: Bearer <API key or admin token>"));
            return;
        }
        if (header.length() > MAX_TOKEN_LENGTH || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(ApiException.unauthorized("the Authorization header must be 'Bearer <API key or admin token>'"));
            return;
        }
        byte[] hash = Tokens.sha256(header.substring(7).trim());
        if (Tokens.constantTimeEquals(hash, adminTokenHash)) {
            ctx.put(KEY, Principal.ADMIN);
            ctx.next();
            return;
        }
        keys.findByHash(hash).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
            } else if (result.result().isEmpty()) {
                ctx.fail(ApiException.unauthorized("the API key is unknown or has been revoked"));
            } else {
                ctx.put(KEY, result.result().get());
                ctx.next();
            }
        });
    }

    public static Principal principal(RoutingContext ctx) {
        Principal principal = ctx.get(KEY);
        if (principal == null) {
            throw ApiException.unauthorized("send Authorization: Bearer <API key or admin token>");
        }
        return principal;
    }

    public static Principal requireAdmin(RoutingContext ctx) {
        Principal principal = principal(ctx);
        if (!principal.admin()) {
            throw ApiException.forbidden("this call needs the admin token, not a tenant API key");
        }
        return principal;
    }

    public static Principal requireTenant(RoutingContext ctx) {
        Principal principal = principal(ctx);
        if (principal.admin()) {
            throw ApiException.forbidden("this call acts for one tenant: use one of its API keys, not the admin token");
        }
        return principal;
    }
}
