package io.hookrelay.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every failure into an {@code application/problem+json} answer; only our own bugs become 5xx. */
public final class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class.getName());
    static final String TYPE_BASE = "https://hookrelay.dev/problems/";

    private Problems() {
    }

    public static void send(RoutingContext ctx, ApiException problem) {
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", TYPE_BASE + problem.slug())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", problem.detail())
                .put("instance", clip(ctx.request().path(), 200))
                .put("trace_id", TraceIds.of(ctx));
        if (problem.index() != null) {
            body.put("index", problem.index());
        }
        response.setStatusCode(problem.status())
                .putHeader("content-type", "application/problem+json")
                .putHeader("cache-control", "no-store");
        if (problem.status() == 401) {
            response.putHeader("www-authenticate", "Bearer realm=\"hookrelay\"");
        }
        response.end(body.toBuffer());
    }

    /** The router's failure handler: maps whatever failed to the problem a caller should see. */
    public static void handleFailure(RoutingContext ctx) {
        send(ctx, toProblem(ctx));
    }

    static ApiException toProblem(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        // Vert.x Web wraps validation failures in a 400 HttpException; the cause says what was wrong.
        if (failure instanceof HttpException http && http.getCause() != null) {
            failure = http.getCause();
        }
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof BodyException body) {
            return body.toProblem();
        }
        if (failure instanceof SchemaValidationException schema) {
            return ApiException.validation(describe(schema));
        }
        if (failure instanceof ValidatorException validator) {
            return fromValidator(validator);
        }
        if (failure instanceof DecodeException || failure instanceof IllegalArgumentException && isJson(failure)) {
            return ApiException.badRequest("the body is not valid JSON");
        }
        if (failure instanceof HttpException http) {
            return fromStatus(http.getStatusCode(), ctx);
        }
        if (failure == null) {
            return fromStatus(ctx.statusCode(), ctx);
        }
        LOG.log(Level.SEVERE, "unexpected failure on " + ctx.request().method() + " " + ctx.request().path()
                + " trace_id=" + TraceIds.of(ctx), failure);
        return new ApiException(500, "internal-error", "Internal error",
                "the service failed to handle this request; the trace id identifies it in the logs");
    }

    private static boolean isJson(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().toLowerCase().contains("json");
    }

    private static ApiException fromValidator(ValidatorException e) {
        return switch (e.type()) {
            case MISSING_OPERATION -> new ApiException(404, "not-found", "Not found", "no such operation");
            case UNSUPPORTED_VALUE_FORMAT -> new ApiException(415, "unsupported-media-type",
                    "Unsupported media type", "send the body as application/json");
            default -> ApiException.validation(clip(e.getMessage(), 500));
        };
    }

    static ApiException fromStatus(int status, RoutingContext ctx) {
        return switch (status) {
            case 400 -> ApiException.badRequest("the request could not be read");
            case 401 -> ApiException.unauthorized("send Authorization: Bearer <key>");
            case 404 -> new ApiException(404, "not-found", "Not found",
                    "no route for " + ctx.request().method() + " " + clip(ctx.request().path(), 200));
            case 405 -> new ApiException(405, "method-not-allowed", "Method not allowed",
                    ctx.request().method() + " is not allowed on " + clip(ctx.request().path(), 200));
            case 413 -> new ApiException(413, "payload-too-large", "Payload too large",
                    "the request body is larger than the service accepts");
            case 415 -> new ApiException(415, "unsupported-media-type", "Unsupported media type",
                    "send the body as application/json");
            default -> status >= 400 && status < 500
                    ? new ApiException(status, "client-error", "Client error", "the request was refused")
                    : new ApiException(500, "internal-error", "Internal error",
                            "the service failed to handle this request; the trace id identifies it in the logs");
        };
    }

    /** Names the failing JSON location and the rule it broke, e.g. "/url: must be at most 2048 characters". */
    static String describe(SchemaValidationException e) {
        OutputUnit unit = e.getOutputUnit();
        OutputUnit deepest = deepestError(unit);
        String location = deepest.getInstanceLocation();
        String where = location == null || location.isEmpty() || location.equals("#") ? ""
                : " " + location.replaceFirst("^#", "");
        String rule = deepest.getError() == null ? e.getMessage() : explain(deepest);
        String prefix = e.getMessage() != null && e.getMessage().startsWith("The value of the request body")
                ? "body" : "parameter";
        return clip(prefix + where + ": " + rule, 500);
    }

    /**
     * The most specific failure among the validator's flat list: deepest in the document, then deepest in
     * the schema (so "expected string" wins over "property does not match schema").
     */
    public static OutputUnit deepestError(OutputUnit unit) {
        List<OutputUnit> errors = unit.getErrors();
        if (errors == null || errors.isEmpty()) {
            return unit;
        }
        OutputUnit best = errors.get(0);
        for (OutputUnit candidate : errors) {
            int byDocument = Integer.compare(length(candidate.getInstanceLocation()), length(best.getInstanceLocation()));
            int bySchema = Integer.compare(specificity(candidate), specificity(best));
            if (byDocument > 0 || byDocument == 0 && bySchema > 0) {
                best = candidate;
            }
        }
        return best;
    }

    /**
     * A known property that fails its own schema is also reported as failing additionalProperties;
     * that second report is the least specific, and the only one for a truly unknown field.
     */
    private static int specificity(OutputUnit unit) {
        return isUnknownField(unit) ? 0 : length(unit.getKeywordLocation());
    }

    private static boolean isUnknownField(OutputUnit unit) {
        return unit.getKeywordLocation() != null && unit.getKeywordLocation().endsWith("/additionalProperties");
    }

    private static int length(String location) {
        return location == null ? 0 : location.length();
    }

    private static String explain(OutputUnit unit) {
        if (isUnknownField(unit)) {
            return "is not a known field";
        }
        return unit.getError();
    }

    /** Never echo a hostile input back whole. */
    public static String clip(String value, int max) {
        if (value == null) {
            return "";
        }
        return value.length() <= max ? value : value.substring(0, max) + "…";
    }
}
