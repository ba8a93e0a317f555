package io.hookrelay.source.poll;

/** What a successful poll brought back. Failures are a failed future carrying a {@link PollFailure}. */
sealed interface FetchResult {

    /** 304: the resource is as it was. The validators are the ones to send next time. */
    record NotModified(String etag, String lastModified) implements FetchResult {
    }

    /** 2xx with a JSON body, decoded as a Vert.x JSON value (JsonObject, JsonArray, String, Number, Boolean or null). */
    record Fetched(Object body, String etag, String lastModified) implements FetchResult {
    }
}
