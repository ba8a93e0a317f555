package io.hookrelay.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end bench's ceiling, a process of its own: a Vert.x HTTP server (one instance per core, like the
 * service's) that reads each {@code POST /v1/events} body and answers 202 with a small fixed JSON body, with
 * no validation, database or delivery. The load generator's rate against it is what the client, the loopback
 * and the machine allow. Prints {@code READY <port>}.
 */
public final class EndToEndTrivialServer {

    private static final Buffer ACCEPTED = Buffer.buffer("{\"id\":\"0193a5b2-7c1d-7e4f-9a2b-3c4d5e6f7a8b\","
            + "\"type\":\"order.created\",\"timestamp\":\"2024-12-07T10:00:00.000Z\"}");

    public static void main(String[] args) throws Exception {
        BenchProcess.exitWithParent();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Vertx vertx = Vertx.vertx();
        int listening = port;
        vertx.deployVerticle(() -> new VerticleBase() {
                    @Override
                    public Future<?> start() {
                        return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                                .requestHandler(EndToEndTrivialServer::handle).listen(listening, "127.0.0.1");
                    }
                }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .await(30, TimeUnit.SECONDS);
        System.out.println("READY " + port);
        System.out.flush();
        // Runs until the coordinator stops it (SIGTERM).
        Thread.currentThread().join();
    }

    private static void handle(HttpServerRequest request) {
        if (request.method() != HttpMethod.POST || !"/v1/events".equals(request.path())) {
            request.response().setStatusCode(404).end();
            return;
        }
        request.body().onSuccess(body -> request.response().setStatusCode(202)
                .putHeader("content-type", "application/json").end(ACCEPTED.copy()));
    }
}
