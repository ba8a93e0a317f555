package io.hookrelay.event;

import io.hookrelay.http.Auth;
import io.hookrelay.http.BodyException;
import io.hookrelay.http.BodyReader;
import io.hookrelay.http.BodyShape;
import io.hookrelay.http.Endpoint;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Principal;
import io.hookrelay.http.ReadObject;
import io.hookrelay.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

/**
 * Publishing: {@code POST /v1/events} and {@code POST /v1/events/batch}, the routes producers call most. Their
 * bodies are checked against the contract by {@link BodyReader} on the event loop as they are parsed, once, in
 * place of the generic validator (which parses the body again and validates on a worker thread), and the
 * event's data is stored and answered as the text received.
 */
public final class PublishRoutes {

    public static final String BATCH_PATH = "/v1/events/batch";
    /** Large enough to absorb a burst in one commit, small enough to keep one statement's parameters modest. */
    private static final int MAX_BATCH = 500;

    private final Pool pool;
    private final Idempotency idempotency;
    private final EventSchemas schemas;
    private final EventBatchWriter writer;
    private final BatchPublisher batches;
    private final PublishTargets targets = new PublishTargets();
    private final EventStore store = new EventStore();
    private final BodyShape single;
    private final BodyShape batch;

    public PublishRoutes(Pool pool, Idempotency idempotency, EventSchemas schemas, JsonObject contract, int maxItemBytes) {
        this.pool = pool;
        this.idempotency = idempotency;
        this.schemas = schemas;
        this.writer = new EventBatchWriter(pool, MAX_BATCH);
        this.batches = new BatchPublisher(pool, idempotency, schemas, targets, maxItemBytes);
        this.single = BodyShape.of(contract, "EventCreate");
        this.batch = BodyShape.of(contract, "EventBatchCreate");
    }

    public void mount(RouterBuilder api) {
        withoutGenericValidation(api.getRoute("createEvent")).addHandler(Endpoint.of(this::publish));
        withoutGenericValidation(api.getRoute("createEventBatch")).addHandler(Endpoint.of(this::publishBatch));
    }

    private static OpenAPIRoute withoutGenericValidation(OpenAPIRoute route) {
        // Both routes take only a JSON body and the Idempotency-Key header; BodyReader checks the body
        // against the contract, Idempotency the header.
        return route.setDoValidation(false);
    }

    private Future<Reply> publish(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        PublishItem item = PublishItem.of((ReadObject) BodyReader.read(ctx, single), "");
        NewEvent event = item.toEvent(tenant.tenantId());
        Future<Void> valid = schemas.check(pool, tenant.tenantId(), item.type(), item.data());
        if (ctx.request().getHeader(Idempotency.HEADER) == null) {
            return valid.compose(ok -> targets.check(pool, tenant.tenantId(), item.targets()))
                    .compose(owned -> writer.write(event))
                    .map(stored -> Reply.encoded(202, stored.toText()));
        }
        return valid.compose(ok -> idempotency.run(ctx, tenant, sql -> targets.check(sql, tenant.tenantId(), item.targets())
                .compose(owned -> store.insert(sql, event))
                .map(stored -> Reply.encoded(202, stored.toText()))));
    }

    private Future<Reply> publishBatch(RoutingContext ctx) {
        Principal tenant = Auth.requireTenant(ctx);
        Object body;
        try {
            body = BodyReader.read(ctx, batch);
        } catch (BodyException e) {
            throw BatchPublisher.aboutItem(e);
        }
        return batches.publish(ctx, tenant, body);
    }
}
