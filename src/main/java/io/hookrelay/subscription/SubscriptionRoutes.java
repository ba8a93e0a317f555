package io.hookrelay.subscription;

import io.hookrelay.crypto.SecretBox;
import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.Auth;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Page;
import io.hookrelay.http.Principal;
import io.hookrelay.http.Reply;
import io.hookrelay.http.TargetUrlCheck;
import io.hookrelay.http.TextRules;
import io.hookrelay.net.TargetUrlPolicy;
import io.hookrelay.signing.Ed25519KeyPair;
import io.hookrelay.signing.SigningSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** The tenant-facing subscription API. */
public final class SubscriptionRoutes {

    private static final String MANUAL_REASON = "disabled by the tenant";

    private final Vertx vertx;
    private final Pool pool;
    private final Idempotency idempotency;
    private final SecretBox secretBox;
    private final TargetUrlCheck targets;
    private final Duration rotationOverlap;
    private final SubscriptionRepository repository = new SubscriptionRepository();

    public SubscriptionRoutes(Vertx vertx, Pool pool, Idempotency idempotency, SecretBox secretBox,
                              TargetUrlPolicy targets, Duration rotationOverlap) {
        this.vertx = vertx;
        this.pool = pool;
        this.idempotency = idempotency;
        this.secretBox = secretBox;
        this.targets = new TargetUrlCheck(vertx, targets);
        this.rotationOverlap = rotationOverlap;
    }

    public void mount(RouterBuilder api) {
        api.getRoute("createSubscription").addHandler(Endpoint.of(this::create));
        api.getRoute("listSubscriptions").addHandler(Endpoint.of(this::list));
        api.getRoute("getSubscription").addHandler(Endpoint.of(this::get));
        api.getRoute("updateSubscription").addHandler(Endpoint.of(this::update));
        api.getRoute("deleteSubscription").addHandler(Endpoint.of(this::delete));
        api.getRoute("getSubscriptionSecret").addHandler(Endpoint.of(this::secret));
        api.getRoute("rotateSubscriptionSecret").addHandler(Endpoint.of(this::rotate));
        api.getRoute("enableSubscription").addHandler(Endpoint.of(this::enable));
        api.getRoute("disableSubscription").addHandler(Endpoint.of(this::disable));
        api.getRoute("recoverSubscription").addHandler(Endpoint.of(this::recover));
    }

    private Future<Reply> create(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        SubscriptionInput input = SubscriptionInput.forCreate(Endpoint.body(ctx));
        return targets.check(input.url()).compose(url -> idempotency.run(ctx, tenant, sql -> {
            UUID id = Ids.newId();
            String secret = SigningSecrets.newHmacSecret();
            byte[] sealed = secretBox.seal(secret, id.toString());
            SubscriptionRepository.SealedKeyPair ed25519 = Boolean.TRUE.equals(input.ed25519()) ? newKeyPair(id) : null;
            return repository.insert(sql, id, tenant.tenantId(), input, sealed, ed25519)
                    .map(created -> Reply.created(created.toJson().put("secret", secret)));
        }));
    }

    private Future<Reply> list(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        Page page = Page.from(ctx);
        return repository.page(pool, tenant.tenantId(), page.after(), page.fetchSize())
                .map(rows -> Reply.ok(page.answer(rows, Subscription::id, Subscription::toJson)));
    }

    private Future<Reply> get(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        return repository.find(pool, id, tenant.tenantId()).map(found -> ok(found, id));
    }

    private Future<Reply> update(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        SubscriptionInput input = SubscriptionInput.forUpdate(Endpoint.body(ctx));
        Future<String> url = input.url() == null ? Future.succeededFuture() : targets.check(input.url());
        SubscriptionRepository.SealedKeyPair ed25519 = input.ed25519() == null ? null
                : input.ed25519() ? newKeyPair(id) : SubscriptionRepository.SealedKeyPair.NONE;
        return url.compose(checked -> repository.update(pool, id, tenant.tenantId(), input, ed25519))
                .map(found -> ok(found, id));
    }

    private Future<Reply> delete(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        return repository.delete(pool, id, tenant.tenantId()).map(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("subscription", id.toString());
            }
            return Reply.noContent();
        });
    }

    private Future<Reply> secret(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        return repository.secrets(pool, id, tenant.tenantId()).map(found -> Reply.ok(open(found, id).toJson()));
    }

    private Future<Reply> rotate(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        return idempotency.run(ctx, tenant, sql -> {
            byte[] sealed = secretBox.seal(SigningSecrets.newHmacSecret(), id.toString());
            return repository.rotate(sql, id, tenant.tenantId(), sealed, rotationOverlap)
                    .map(found -> Reply.ok(open(found, id).toJson()));
        });
    }

    private Future<Reply> enable(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        return idempotency.run(ctx, tenant, sql -> repository.enable(sql, id, tenant.tenantId()).map(found -> ok(found, id)));
    }

    private Future<Reply> disable(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        String given = TextRules.optionalLine(Endpoint.body(ctx).getString("reason"), "reason");
        String reason = given == null || given.isEmpty() ? MANUAL_REASON : given;
        return idempotency.run(ctx, tenant, sql -> repository.disable(sql, id, tenant.tenantId(), reason)
                .map(found -> ok(found, id)));
    }

    private Future<Reply> recover(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        UUID id = subscriptionId(ctx);
        OffsetDateTime since = TextRules.time(Endpoint.body(ctx).getString("since"), "since");
        return idempotency.run(ctx, tenant, sql -> repository.status(sql, id, tenant.tenantId()).compose(status -> {
            if (status.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("subscription", id.toString()));
            }
            if (!Subscription.ACTIVE.equals(status.get())) {
                return Future.failedFuture(ApiException.conflict("subscription-disabled",
                        "enable the subscription before recovering what it missed"));
            }
            return repository.recover(sql, id, tenant.tenantId(), since)
                    .map(queued -> new Reply(202, new JsonObject().put("queued", queued)));
        }));
    }

    /** The private key is sealed under the subscription id, like the HMAC secrets. */
    private SubscriptionRepository.SealedKeyPair newKeyPair(UUID id) {
        Ed25519KeyPair pair = SigningSecrets.newEd25519KeyPair();
        return new SubscriptionRepository.SealedKeyPair(secretBox.seal(pair.secretKey(), id.toString()), pair.publicKey());
    }

    private SubscriptionSecrets open(Optional<SubscriptionRepository.SealedSecrets> found, UUID id) {
        SubscriptionRepository.SealedSecrets sealed = found
                .orElseThrow(() -> ApiException.notFound("subscription", id.toString()));
        String context = id.toString();
        boolean previousLive = sealed.previous() != null && sealed.previousExpiresAt() != null
                && sealed.previousExpiresAt().isAfter(OffsetDateTime.now());
        return new SubscriptionSecrets(secretBox.open(sealed.current(), context),
                previousLive ? secretBox.open(sealed.previous(), context) : null,
                previousLive ? sealed.previousExpiresAt() : null);
    }

    private static Reply ok(Optional<Subscription> found, UUID id) {
        return Reply.ok(found.orElseThrow(() -> ApiException.notFound("subscription", id.toString())).toJson());
    }

    private static UUID subscriptionId(RoutingContext ctx) {
        return TextRules.pathId(ctx.pathParam("id"), "subscription");
    }
}
