package io.hookrelay.dashboard;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The delivery dashboard: static HTML, CSS and ES modules from the jar, served at {@code /dashboard}. It is
 * outside the {@code /v1} contract and needs no authentication itself; the page signs every API call with
 * the token the user typed in, which it keeps in the browser session only.
 */
public final class DashboardPage {

    static final String ROOT = "dashboard";

    /**
     * Scripts, styles, images and API calls only from this origin, no inline script or style, and the
     * page cannot be framed: a hostile string from the API that slipped into markup would still not run.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    public void mount(Router router) {
        router.route("/dashboard*").handler(DashboardPage::securityHeaders);
        // A Vert.x route for "/dashboard" also matches "/dashboard/", which the static handler serves.
        router.get("/dashboard").handler(ctx -> {
            if (ctx.request().path().equals("/dashboard")) {
                ctx.redirect("/dashboard/");
            } else {
                ctx.next();
            }
        });
        router.get("/dashboard/*").handler(StaticHandler.create(ROOT)
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                // The files change with each release; revalidating keeps an upgraded page consistent.
                .setCachingEnabled(true)
                .setMaxAgeSeconds(0)
                .setDefaultContentEncoding("UTF-8"));
    }

    private static void securityHeaders(RoutingContext ctx) {
        ctx.response().headers()
                .set("content-security-policy", CONTENT_SECURITY_POLICY)
                .set("x-content-type-options", "nosniff")
                .set("referrer-policy", "no-referrer")
                .set("x-frame-options", "DENY")
                .set("cross-origin-opener-policy", "same-origin")
                .set("permissions-policy", "camera=(), microphone=(), geolocation=()");
        ctx.next();
    }
}
