package io.hookrelay.source.poll;

import io.hookrelay.net.AddressClassifier;
import io.hookrelay.net.TargetRejectedException;
import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * One conditional GET of a polled resource, with every limit a stranger's server calls for: the URL
 * is checked against the {@link TargetUrlPolicy} right before connecting (it may have been stored
 * when the rules or DNS said otherwise), the address actually connected to is checked too, redirects
 * are not followed, the whole exchange has a deadline, and the body has a size cap.
 *
 * <p>Every failure comes back as a {@link PollFailure} whose message is fit for {@code last_error}.
 */
final class ResourceFetcher {

    static final String USER_AGENT = "Hookrelay/" + version() + " resource-poller (+https://hookrelay.dev)";

    /** Framing, routing and the validators are ours to set; a source's headers cannot replace them. */
    private static final Set<String> OURS = Set.of(
            "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
            "expect", "proxy-connection", "user-agent", "if-none-match", "if-modified-since");

    private final Vertx vertx;
    private final TargetUrlPolicy policy;
    private final PollerSettings settings;
    private final HttpClientAgent client;

    ResourceFetcher(Vertx vertx, TargetUrlPolicy policy, PollerSettings settings) {
        this.vertx = vertx;
        this.policy = policy;
        this.settings = settings;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setName("hookrelay-resource-poller")
                        .setConnectTimeout((int) settings.connectTimeout().toMillis())
                        .setKeepAlive(true)
                        // No Accept-Encoding is sent, so bodies come uncompressed and the size cap measures the
                        // JSON itself; a small compressed body could otherwise inflate far past it.
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(settings.batchSize()));
    }

    Future<FetchResult> fetch(PolledSource source) {
        return new Exchange(source).run();
    }

    Future<Void> close() {
        return client.close();
    }

    /** One poll's state: the request once there is one, and the deadline that may reset it. */
    private final class Exchange {

        private final PolledSource source;
        private final Promise<FetchResult> result = Promise.promise();
        private HttpClientRequest request;

        Exchange(PolledSource source) {
            this.source = source;
        }

        Future<FetchResult> run() {
            long timeoutMs = settings.timeout().toMillis();
            long deadline = vertx.setTimer(timeoutMs,
                    id -> abandon(new PollFailure("timed out after " + timeoutMs + " ms")));
            checkTarget(source.url())
                    .compose(uri -> client.request(requestOptions(uri)).compose(request -> send(request, uri.getHost())))
                    .compose(this::read)
                    .onComplete(outcome -> {
                        vertx.cancelTimer(deadline);
                        if (outcome.succeeded()) {
                            result.tryComplete(outcome.result());
                        } else {
                            abandon(outcome.cause());
                        }
                    });
            return result.future();
        }

        /** Fails the poll (first reason wins) and drops the connection, so nothing more is read. */
        private void abandon(Throwable cause) {
            if (result.tryFail(describe(cause)) && request != null) {
                request.reset();
            }
        }

        private Future<HttpClientResponse> send(HttpClientRequest request, String host) {
            this.request = request;
            // Resetting a request we gave up on fails it once more; that is expected, not worth a log line.
            request.exceptionHandler(this::abandon);
            if (result.future().isComplete()) {
                // The deadline passed while connecting.
                request.reset();
                return Future.failedFuture(result.future().cause());
            }
            Optional<String> refused = refusedAddress(request, host);
            if (refused.isPresent()) {
                return Future.failedFuture(new PollFailure(refused.get()));
            }
            return request.send();
        }

        private RequestOptions requestOptions(URI uri) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            headers.set(HttpHeaders.ACCEPT, "application/json");
            source.headers().forEach(header -> {
                if (!OURS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    headers.set(header.getKey(), String.valueOf(header.getValue()));
                }
            });
            headers.set(HttpHeaders.USER_AGENT, USER_AGENT);
            if (source.etag() != null) {
                headers.set(HttpHeaders.IF_NONE_MATCH, source.etag());
            }
            if (source.lastModified() != null) {
                headers.set(HttpHeaders.IF_MODIFIED_SINCE, source.lastModified());
            }
            return new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setAbsoluteURI(uri.toString())
                    .setFollowRedirects(false)
                    .setHeaders(headers);
        }

        private Future<FetchResult> read(HttpClientResponse response) {
            response.exceptionHandler(this::abandon);
            int status = response.statusCode();
            String etag = response.getHeader(HttpHeaders.ETAG);
            String lastModified = response.getHeader(HttpHeaders.LAST_MODIFIED);
            if (status == 304) {
                return response.end().map(v -> new FetchResult.NotModified(
                        etag != null ? etag : source.etag(), lastModified != null ? lastModified : source.lastModified()));
            }
            if (status < 200 || status > 299) {
                return Future.failedFuture(new PollFailure(statusProblem(response)));
            }
            return readBody(response)
                    .compose(body -> decode(body, response.getHeader(HttpHeaders.CONTENT_TYPE)))
                    .map(body -> new FetchResult.Fetched(body, etag, lastModified));
        }

        /** Collects the body, giving up as soon as it is known to be too large. */
        private Future<Buffer> readBody(HttpClientResponse response) {
            int max = settings.maxBodyBytes();
            String declared = response.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null && isLongerThan(declared, max)) {
                return Future.failedFuture(tooLarge(max));
            }
            Promise<Buffer> body = Promise.promise();
            Buffer received = Buffer.buffer();
            response.handler(chunk -> {
                if (body.future().isComplete()) {
                    return;
                }
                if (received.length() + chunk.length() > max) {
                    body.tryFail(tooLarge(max));
                } else {
                    received.appendBuffer(chunk);
                }
            });
            response.exceptionHandler(body::tryFail);
            response.endHandler(v -> body.tryComplete(received));
            return body.future();
        }

        private Future<Object> decode(Buffer body, String contentType) {
            if (body.length() == 0) {
                return Future.failedFuture(new PollFailure("the response body is empty; expected JSON"));
            }
            try {
                return Future.succeededFuture(Json.decodeValue(body));
            } catch (DecodeException e) {
                String reason = firstLine(e.getMessage()).replaceFirst("^Failed to decode: ?", "");
                return Future.failedFuture(new PollFailure("the response is not JSON"
                        + (contentType == null ? "" : " (content-type " + contentType + ")") + ": " + reason));
            }
        }

        /**
         * DNS may answer differently now than when the URL was checked, so the address actually connected
         * to must pass as well; a refused one is dropped before a byte of the request is sent.
         */
        private Optional<String> refusedAddress(HttpClientRequest request, String host) {
            if (policy.allowsPrivateTargets()) {
                return Optional.empty();
            }
            SocketAddress remote = request.connection().remoteAddress();
            String ip = remote == null ? null : remote.hostAddress();
            Optional<InetAddress> address = ip == null ? Optional.empty() : AddressClassifier.parseLiteralHost(ip);
            if (address.isPresent() && policy.isAllowedAddress(address.get())) {
                return Optional.empty();
            }
            String what = address.flatMap(AddressClassifier::forbiddenReason).map(reason -> ", " + reason).orElse("");
            return Optional.of("URL refused: host '" + host + "' connected to " + (ip == null ? "an unknown address" : ip)
                    + what + "; only public internet addresses are allowed");
        }
    }

    /**
     * The policy check resolves host names, which blocks, so it runs on a worker thread; with private
     * targets allowed it never resolves anything and the event loop can do it.
     */
    private Future<URI> checkTarget(String url) {
        if (policy.allowsPrivateTargets()) {
            try {
                return Future.succeededFuture(policy.checkSyntax(url));
            } catch (TargetRejectedException e) {
                return Future.failedFuture(e);
            }
        }
        return vertx.executeBlocking(() -> policy.check(url), false);
    }

    private static String statusProblem(HttpClientResponse response) {
        int status = response.statusCode();
        String text = "HTTP " + status + (response.statusMessage() == null ? "" : " " + response.statusMessage());
        if (status >= 300 && status < 400) {
            String location = response.getHeader(HttpHeaders.LOCATION);
            return text + "; redirects are not followed" + (location == null ? "" : " (Location: " + location + ")");
        }
        return text;
    }

    /** Every failure, phrased for last_error. */
    static PollFailure describe(Throwable e) {
        if (e instanceof PollFailure failure) {
            return failure;
        }
        if (e instanceof TargetRejectedException rejected) {
            return new PollFailure("URL refused: " + rejected.getMessage());
        }
        if (e instanceof UnknownHostException) {
            return new PollFailure("host not found: " + e.getMessage());
        }
        if (e instanceof ConnectException) {
            return new PollFailure("could not connect: " + e.getMessage());
        }
        if (e instanceof SSLException) {
            return new PollFailure("TLS failed: " + e.getMessage());
        }
        String message = e.getMessage();
        return new PollFailure(message == null || message.isBlank() ? e.getClass().getSimpleName() : firstLine(message));
    }

    private static PollFailure tooLarge(int max) {
        return new PollFailure("the response body is larger than the limit of " + max + " bytes");
    }

    private static boolean isLongerThan(String contentLength, int max) {
        try {
            return Long.parseLong(contentLength.trim()) > max;
        } catch (NumberFormatException e) {
            // A malformed length is the HTTP codec's problem; the running count below still applies.
            return false;
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }

    private static String version() {
        String version = ResourceFetcher.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
