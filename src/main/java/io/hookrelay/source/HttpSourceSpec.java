package io.hookrelay.source;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.CustomHeaders;
import io.vertx.core.json.JsonObject;

/** What a caller asks for when creating a polled http source, after the checks the contract cannot make. */
record HttpSourceSpec(String url, int intervalSeconds, JsonObject headers, boolean includeBody) {

    static HttpSourceSpec from(JsonObject body) {
        SourceFields.refuseForeign(body, "http", "table", "operations", "event_type_prefix");
        String url = body.getString("url");
        if (url == null || url.isBlank()) {
            throw ApiException.validation("url: is required for kind http");
        }
        return new HttpSourceSpec(
                url.strip(),
                PollInterval.parse(body.getString("interval")),
                CustomHeaders.validate(body.getJsonObject("headers"), CustomHeaders.CONDITIONAL),
                body.getBoolean("include_body", false));
    }
}
