package io.hookrelay.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Gives every request an id that appears in its problem answers, its response headers and the logs. */
public final class TraceIds implements PlatformHandler {

    /** A platform handler, so Vert.x Web lets it run before the body is read and every problem carries the id. */
    public static final TraceIds HANDLER = new TraceIds();

    private static final String KEY = "trace_id";
    public static final String HEADER = "x-trace-id";

    private TraceIds() {
    }

    @Override
    public void handle(RoutingContext ctx) {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    public static String of(RoutingContext ctx) {
        String id = ctx.get(KEY);
        return id == null ? "none" : id;
    }
}
