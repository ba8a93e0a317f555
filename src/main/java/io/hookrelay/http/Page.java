package io.hookrelay.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** A keyset page request ({@code limit}, {@code cursor}) and the {@code {data, next_cursor}} answer. */
public record Page(int limit, UUID after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static Page from(RoutingContext ctx) {
        return new Page(limit(ctx), Cursor.decode(ctx.request().getParam("cursor")));
    }

    /** The {@code limit} query parameter, 1 to {@link #MAX_LIMIT}, default {@link #DEFAULT_LIMIT}. */
    public static int limit(RoutingContext ctx) {
        String raw = ctx.request().getParam("limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    /** Repositories fetch {@code limit + 1} rows; the extra row only tells that another page exists. */
    public int fetchSize() {
        return limit + 1;
    }

    public <T> JsonObject answer(List<T> rows, Function<T, UUID> idOf, Function<T, JsonObject> toJson) {
        JsonArray data = new JsonArray();
        int shown = Math.min(rows.size(), limit);
        for (int i = 0; i < shown; i++) {
            data.add(toJson.apply(rows.get(i)));
        }
        String next = rows.size() > limit ? Cursor.encode(idOf.apply(rows.get(limit - 1))) : null;
        return new JsonObject().put("data", data).put("next_cursor", next);
    }
}
