package io.hookrelay.http;

import io.hookrelay.stream.LocalStreams;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** One HTTP server per event loop; instances share the listening port. */
public final class HttpVerticle extends VerticleBase {

    private final Services services;
    private final int port;
    private HttpServer server;
    private LocalStreams streams;

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
        streams = services.eventFeed().attach(context);
        server = vertx.createHttpServer(options).requestHandler(ApiRouter.create(vertx, services, streams));
        return server.listen();
    }

    /** Open streams never end by themselves: end them first, or they would hold up a graceful shutdown. */
    @Override
    public Future<?> stop() {
        return streams.stop();
    }

    public int actualPort() {
        return server.actualPort();
    }
}
