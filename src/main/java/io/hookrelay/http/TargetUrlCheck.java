package io.hookrelay.http;

import io.hookrelay.net.TargetRejectedException;
import io.hookrelay.net.TargetUrlPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Checks a URL a caller gives (callback or polled resource) against the target policy, for the API. */
public final class TargetUrlCheck {

    private final Vertx vertx;
    private final TargetUrlPolicy targets;

    public TargetUrlCheck(Vertx vertx, TargetUrlPolicy targets) {
        this.vertx = vertx;
        this.targets = targets;
    }

    /** The syntax check runs here; the full check resolves DNS, which may block, so it runs on a worker thread. */
    public Future<String> check(String url) {
        try {
            targets.checkSyntax(url);
        } catch (TargetRejectedException e) {
            return Future.failedFuture(rejected(e));
        }
        if (targets.allowsPrivateTargets()) {
            return Future.succeededFuture(url);
        }
        return vertx.executeBlocking(() -> {
            try {
                targets.check(url);
                return url;
            } catch (TargetRejectedException e) {
                if (e.unresolved()) {
                    // A name may be registered before its DNS exists (or while DNS is down); every
                    // send checks the address it connects to, so nothing private is reached later.
                    return url;
                }
                throw rejected(e);
            }
        }, false);
    }

    // The caller cannot change the setting, but can tell the operator what to change (or that it is meant).
    private static final String HOW_TO_ALLOW = "; the operator can allow private and loopback targets with the"
            + " start-up setting HOOKRELAY_ALLOW_PRIVATE_TARGETS=true";

    private static ApiException rejected(TargetRejectedException e) {
        return ApiException.unprocessable("url-not-allowed",
                "url: " + e.getMessage() + (e.privateTarget() ? HOW_TO_ALLOW : ""));
    }
}
