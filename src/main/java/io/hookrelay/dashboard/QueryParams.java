package io.hookrelay.dashboard;

import io.hookrelay.http.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Single-valued query parameters: a repeated one is refused rather than silently read as its first value. */
final class QueryParams {

    private QueryParams() {
    }

    static String single(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.size() > 1) {
            throw ApiException.validation(name + ": give it once");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}
