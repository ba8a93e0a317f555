package io.hookrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The few calls of the service's API the delivery benchmarks make, as one tenant, over keep-alive connections. */
final class DeliveryApi implements AutoCloseable {

    /** The same order.created payload as PublishBench, so a delivery carries a realistic small body. */
    static final Buffer EVENT = new JsonObject().put("type", "order.created").put("data", new JsonObject()
                    .put("order_id", 12345).put("customer", "cus_8f3a").put("total", 99.5).put("currency", "EUR")
                    .put("lines", new JsonArray().add(new JsonObject().put("sku", "A-1").put("qty", 2))))
            .toBuffer();

    private final HttpClient http;
    private final RequestOptions publish;
    private final String key;

    private DeliveryApi(HttpClient http, String key) {
        this.http = http;
        this.key = key;
        this.publish = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/events")
                .putHeader("authorization", "Bearer " + key).putHeader("content-type", "application/json");
    }

    /** Creates a tenant and an API key, and keeps {@code connections} connections for the calls that follow. */
    static DeliveryApi connect(Vertx vertx, BenchService service, int connections) throws Exception {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setDefaultHost("127.0.0.1").setDefaultPort(service.port),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(100_000));
        String key = PublishBench.apiKey(http, service.adminToken).await(30, TimeUnit.SECONDS);
        return new DeliveryApi(http, key);
    }

    /** Registers a subscription for every event type; returns its id. */
    String subscribe(String url) throws Exception {
        return call("/v1/subscriptions", new JsonObject().put("url", url), 201).getString("id");
    }

    /** Registers a subscription for the given event type filters, with default settings otherwise; returns its id. */
    String subscribe(String url, List<String> eventTypes) throws Exception {
        return call("/v1/subscriptions", new JsonObject().put("url", url).put("event_types", new JsonArray(eventTypes)),
                201).getString("id");
    }

    /** The tenant's API key, for a load generator in another process. */
    String key() {
        return key;
    }

    /** Stops deliveries to the subscription; events published meanwhile are not fanned out to it. */
    void disable(String subscriptionId) throws Exception {
        call("/v1/subscriptions/" + subscriptionId + "/disable", new JsonObject(), 200);
    }

    void enable(String subscriptionId) throws Exception {
        call("/v1/subscriptions/" + subscriptionId + "/enable", new JsonObject(), 200);
    }

    /** Queues every event since {@code since} that the subscription missed; returns how many. */
    long recover(String subscriptionId, Instant since) throws Exception {
        return call("/v1/subscriptions/" + subscriptionId + "/recover", new JsonObject().put("since", since.toString()), 202)
                .getLong("queued");
    }

    private JsonObject call(String uri, JsonObject body, int expected) throws Exception {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI(uri)
                .putHeader("authorization", "Bearer " + key).putHeader("content-type", "application/json");
        return http.request(request)
                .compose(req -> req.send(body.toBuffer()))
                .compose(resp -> resp.body().compose(answer -> resp.statusCode() == expected
                        ? Future.succeededFuture(new JsonObject(answer))
                        : Future.failedFuture("POST " + uri + " answered " + resp.statusCode() + ": " + answer)))
                .await(60, TimeUnit.SECONDS);
    }

    /** Publishes one event; succeeds with the event id (also the webhook-id of its deliveries) on 202. */
    Future<String> publish() {
        return http.request(publish).compose(req -> req.send(EVENT))
                .compose(resp -> resp.body().compose(body -> resp.statusCode() == 202
                        ? Future.succeededFuture(new JsonObject(body).getString("id"))
                        : Future.failedFuture("publish answered " + resp.statusCode())));
    }

    @Override
    public void close() throws Exception {
        http.close().await(10, TimeUnit.SECONDS);
    }
}
