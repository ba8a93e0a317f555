package io.hookrelay.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestService;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The dashboard's files as the service serves them: where, with which types and which security headers. */
class DashboardPageTest {

    private static Api anonymous;

    @BeforeAll
    static void start() {
        Application app = TestService.strict();
        anonymous = new Api(app.httpPort(), null);
    }

    @Test
    @DisplayName("/dashboard redirects to the page, which is served without a token")
    void pageIsServed() {
        Api.Response redirect = anonymous.get("/dashboard");
        assertEquals(302, redirect.status(), redirect::toString);
        assertEquals("/dashboard/", header(redirect, "location"));

        Api.Response page = anonymous.get("/dashboard/");
        assertEquals(200, page.status(), page::toString);
        assertTrue(header(page, "content-type").startsWith("text/html"), header(page, "content-type"));
        assertTrue(page.body().contains("<title>Hookrelay · Delivery dashboard</title>"), page.body());
    }

    @Test
    @DisplayName("the page and every file it loads carry a strict content security policy and no-sniff")
    void securityHeaders() {
        Api.Response page = anonymous.get("/dashboard/");
        for (String path : assetsOf(page.body())) {
            Api.Response asset = anonymous.get(path);
            assertEquals(200, asset.status(), path + " " + asset);
            String csp = header(asset, "content-security-policy");
            assertTrue(csp.contains("default-src 'self'"), path + ": " + csp);
            assertTrue(csp.contains("script-src 'self'"), path + ": " + csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), path + ": " + csp);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), path + ": " + csp);
            assertEquals("nosniff", header(asset, "x-content-type-options"), path);
            assertEquals("no-referrer", header(asset, "referrer-policy"), path);
            assertEquals("DENY", header(asset, "x-frame-options"), path);
        }
    }

    @Test
    @DisplayName("scripts are served as JavaScript and styles as CSS, so the browser runs them under nosniff")
    void contentTypes() {
        assertTrue(header(anonymous.get("/dashboard/js/app.js"), "content-type").startsWith("text/javascript")
                || header(anonymous.get("/dashboard/js/app.js"), "content-type").startsWith("application/javascript"));
        assertTrue(header(anonymous.get("/dashboard/dashboard.css"), "content-type").startsWith("text/css"));
        assertTrue(header(anonymous.get("/dashboard/icon.svg"), "content-type").startsWith("image/svg+xml"));
    }

    @Test
    @DisplayName("the page has no inline script or style for the policy to block, and no handler attributes")
    void noInlineCode() {
        String html = anonymous.get("/dashboard/").body();
        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        while (scripts.find()) {
            assertTrue(scripts.group(1).contains("src="), "every script has a src: " + scripts.group());
            assertTrue(scripts.group(2).isBlank(), "no inline script body: " + scripts.group());
        }
        assertFalse(html.contains("<style"), "no inline style element");
        assertFalse(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no on* attributes");
        assertFalse(html.contains(" style="), "no style attributes");
    }

    @Test
    @DisplayName("unknown files answer 404, folders are not listed, and paths cannot climb out of the page's folder")
    void noListingNoTraversal() {
        assertEquals(404, anonymous.get("/dashboard/nope.js").status());
        Api.Response folder = anonymous.get("/dashboard/js/");
        assertTrue(folder.status() == 404 || folder.status() == 403, folder::toString);
        assertFalse(folder.body().contains("app.js"), folder::toString);
        for (String path : List.of("/dashboard/../openapi/hookrelay.yaml", "/dashboard/%2e%2e/hookrelay-logging.properties",
                "/dashboard/..%2fhookrelay-logging.properties")) {
            Api.Response climb = anonymous.get(path);
            assertFalse(climb.status() == 200 && climb.body().contains("handlers"), path + " " + climb);
            assertFalse(climb.body().contains("openapi: 3"), path + " " + climb);
        }
    }

    private static List<String> assetsOf(String html) {
        Matcher refs = Pattern.compile("(?:src|href)=\"(/dashboard/[^\"]+)\"").matcher(html);
        java.util.ArrayList<String> paths = new java.util.ArrayList<>(List.of("/dashboard/"));
        while (refs.find()) {
            paths.add(refs.group(1));
        }
        for (String module : List.of("api", "charts", "deliveries", "dom", "format", "live", "overview", "panel", "state",
                "subscriptions", "ui")) {
            paths.add("/dashboard/js/" + module + ".js");
        }
        assertTrue(paths.size() > 12, "the page loads its assets: " + paths);
        return paths;
    }

    private static String header(Api.Response response, String name) {
        return response.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0))
                .findFirst()
                .orElse("");
    }
}
