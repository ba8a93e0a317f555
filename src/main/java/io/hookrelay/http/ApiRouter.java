package io.hookrelay.http;

import io.hookrelay.dashboard.DashboardPage;
import io.hookrelay.dashboard.DeliveryRoutes;
import io.hookrelay.dashboard.DeliveryStreamRoutes;
import io.hookrelay.dashboard.StatsRoutes;
import io.hookrelay.event.EventTypeRoutes;
import io.hookrelay.event.PublishRoutes;
import io.hookrelay.ops.DocsRoutes;
import io.hookrelay.ops.HealthRoutes;
import io.hookrelay.ops.Metrics;
import io.hookrelay.source.SourceRoutes;
import io.hookrelay.stream.LocalStreams;
import io.hookrelay.stream.StreamRoutes;
import io.hookrelay.subscription.SubscriptionRoutes;
import io.hookrelay.tenant.TenantRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * Builds the whole HTTP surface. The {@code /v1} routes come from the OpenAPI contract, so every request
 * is validated against it before a handler runs; operational routes are added beside them.
 */
public final class ApiRouter {

    private ApiRouter() {
    }

    public static Router create(Vertx vertx, Services services, LocalStreams streams) {
        RouterBuilder api = RouterBuilder.create(vertx, services.contract(), RequestExtractor.withBodyHandler());
        Auth auth = new Auth(services.adminToken(), services.apiKeys()::findByHash);

        api.rootHandler(TraceIds.HANDLER);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(services.config().maxPayloadBytes());
        BodyHandler batchBody = BodyHandler.create(false).setBodyLimit(services.config().maxBatchBytes());
        api.rootHandler(ctx -> (PublishRoutes.BATCH_PATH.equals(ctx.normalizedPath()) ? batchBody : body).handle(ctx));
        api.rootHandler(auth::handle);
        for (OpenAPIRoute route : api.getRoutes()) {
            // Authentication already ran as a root handler, before validation.
            route.setDoSecurity(false);
            route.addFailureHandler(Problems::handleFailure);
        }
        new TenantRoutes(services.pool(), services.idempotency(), services.apiKeys()).mount(api);
        // Before the events routes: it takes the long-poll form of listEvents.
        new StreamRoutes(vertx, services.pool(), streams, services.config().streamHeartbeat()).mount(api);
        EventTypeRoutes.mountAll(api, services.pool(), services.idempotency(), services.eventSchemas());
        new PublishRoutes(services.pool(), services.idempotency(), services.eventSchemas(),
                services.contract().getRawContract(), services.config().maxPayloadBytes()).mount(api);
        new SourceRoutes(vertx, services.pool(), services.idempotency(), services.targets()).mount(api);
        new SubscriptionRoutes(vertx, services.pool(), services.idempotency(), services.secretBox(),
                services.targets(), services.config().secretRotationOverlap()).mount(api);
        new DeliveryRoutes(services.pool(), services.idempotency()).mount(api);
        new StatsRoutes(services.pool()).mount(api);
        new DeliveryStreamRoutes(services.pool(), services.deliveryOutcomes(), services.config().streamHeartbeat()).mount(api);

        Router router = api.createRouter();
        new HealthRoutes(services.pool()).mount(router);
        Metrics.mount(router, services.registry());
        new DocsRoutes(services.contractYaml()).mount(router);
        new DashboardPage().mount(router);

        router.route().failureHandler(Problems::handleFailure);
        for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 414, 415, 431, 500, 501}) {
            router.errorHandler(status, Problems::handleFailure);
        }
        return router;
    }
}
