package io.hookrelay.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** One HTTP server per event loop; instances share the listening port. */
public final class HttpVerticle extends VerticleBase {

    private final Services services;
    private final int port;
    private HttpServer server;

    public HttpVerticle(Services services, int port) {
        this.services = services;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(services.config().httpHost())
                .setPort(port)
                .setCompressionSupported(true)
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(16384)
                .setIdleTimeout(120);
        server = vertx.createHttpServer(options).requestHandler(ApiRouter.create(vertx, services));
        return server.listen();
    }

    public int actualPort() {
        return server.actualPort();
    }
}
