package io.hookrelay.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dashboard end to end in a real headless browser: Debian's chromium driven by playwright-core
 * (src/test/browser/dashboard.test.mjs) against the real service, with real loopback receivers. The
 * script does what a person fixing a failing endpoint would do; this class prepares the service and
 * the receivers, runs the script with node, and checks its screenshots.
 */
class DashboardBrowserTest {

    private static final Path BROWSER_DIR = Path.of("src/test/browser");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target");
    private static final String HOSTILE_MARK = "hostile-" + Long.toHexString(System.nanoTime());
    /** What the failing receiver answers: if the page ever parsed it as markup, the script would run. */
    private static final String HOSTILE_BODY = "<html><body><h1>Internal error</h1>"
            + "<script>window.hookrelayPwned = 'excerpt'</script><p>" + HOSTILE_MARK + "</p></body></html>";
    private static final String HOSTILE_DESCRIPTION = "<img src=x onerror=\"window.hookrelayPwned='description'\"> orders to billing";

    private static Vertx vertx;
    private static Application app;
    private static Receiver failing;
    private static Receiver healthy;
    private static final AtomicBoolean healed = new AtomicBoolean();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        app = TestService.start(Map.of(
                "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true",
                "HOOKRELAY_DATABASE_URL", TestDatabase.get("dashboard").url().toUrl(),
                "HOOKRELAY_POLLER_ENABLED", "false",
                "HOOKRELAY_RETRY_INITIAL_MS", "100",
                "HOOKRELAY_RETRY_MAX_MS", "300",
                "HOOKRELAY_RETRY_MAX_ATTEMPTS", "2",
                "HOOKRELAY_DELIVERY_TIMEOUT", "PT2S",
                "HOOKRELAY_DELIVERY_LEASE", "PT10S",
                "HOOKRELAY_DELIVERY_POLL_INTERVAL", "PT0.2S"));
        failing = Receiver.start(vertx, DashboardBrowserTest::failUntilHealed);
        healthy = Receiver.start(vertx, Receiver.status(204));
    }

    @AfterAll
    static void stop() throws Exception {
        if (failing != null) {
            failing.close();
        }
        if (healthy != null) {
            healthy.close();
        }
        if (app != null) {
            app.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Answers 500 with a hostile body until the browser script posts to {@code /heal}; then 200. */
    private static void failUntilHealed(int n, HttpServerRequest request, Vertx vertx) {
        if (request.path().equals("/heal")) {
            healed.set(true);
            request.response().setStatusCode(204).end();
        } else if (healed.get()) {
            request.response().setStatusCode(200).end("ok");
        } else {
            request.response().setStatusCode(500).putHeader("content-type", "text/html").end(HOSTILE_BODY);
        }
    }

    @Test
    @DisplayName("a user signs in, finds the failing subscription, opens an attempt, retries it and watches it succeed")
    void fixAFailingEndpointInTheBrowser() throws Exception {
        requireBrowser();
        String key = createTenantKey();
        Api api = new Api(app.httpPort(), key);
        String failingId = subscribe(api, failing.url(), HOSTILE_DESCRIPTION);
        String healthyId = subscribe(api, healthy.url(), "invoices to accounting");
        publish(api, failingId, 1);
        publish(api, failingId, 2);
        publish(api, healthyId, 3);
        awaitDeliveries(api, failingId, "failed", 2);
        awaitDeliveries(api, healthyId, "succeeded", 1);
        for (String shot : List.of("dashboard.png", "dashboard-phone.png", "dashboard-attempt.png")) {
            Files.deleteIfExists(SHOTS.resolve(shot));
        }

        Run run = runScript(Map.of(
                "HOOKRELAY_URL", "http://127.0.0.1:" + app.httpPort(),
                "HOOKRELAY_API_KEY", key,
                "HOOKRELAY_ADMIN_TOKEN", app.adminToken(),
                "FAILING_SUBSCRIPTION_ID", failingId,
                "HEALTHY_SUBSCRIPTION_ID", healthyId,
                "HEAL_URL", failing.url().replace("/hooks", "/heal"),
                "HOSTILE_MARK", HOSTILE_MARK,
                "SCREENSHOT_DIR", SHOTS.toAbsolutePath().toString()));
        assertEquals(0, run.exitCode(), () -> "the browser script failed:\n" + run.output());

        // What the browser showed is what the service recorded: every delivery of the healed endpoint succeeded.
        assertTrue(healed.get(), "the script healed the receiver");
        Receiver.await("every delivery of the healed subscription to succeed", Duration.ofSeconds(30),
                () -> count(api, failingId, "succeeded") >= 3 && count(api, failingId, "failed") == 0);
        for (String shot : List.of("dashboard.png", "dashboard-phone.png", "dashboard-attempt.png")) {
            assertPng(SHOTS.resolve(shot));
        }
    }

    private static void requireBrowser() {
        boolean chromium = Files.isExecutable(CHROMIUM);
        boolean modules = Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))
                && Files.isDirectory(BROWSER_DIR.resolve("node_modules/axe-core"));
        if (chromium && modules) {
            return;
        }
        String missing = (chromium ? "" : CHROMIUM + " ") + (modules ? "" : BROWSER_DIR + "/node_modules");
        String message = "the dashboard browser test needs " + missing.trim() + ": run .ci/setup-browser";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI=true, so this is a failure, not a skip)");
        }
        Assumptions.abort(message);
    }

    private record Run(int exitCode, String output) {
    }

    private static Run runScript(Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile("dashboard-browser", ".log");
        ProcessBuilder builder = new ProcessBuilder("node", "dashboard.test.mjs")
                .directory(BROWSER_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean finished = process.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.println("[dashboard browser test]\n" + output);
        return new Run(finished ? process.exitValue() : -1, finished ? output : output + "\n(timed out after 4 minutes)");
    }

    private static String subscribe(Api api, String url, String description) {
        Api.Response created = api.post("/v1/subscriptions", new JsonObject()
                .put("url", url).put("event_types", new JsonArray().add("order.*")).put("description", description));
        assertEquals(201, created.status(), created::toString);
        return created.json().getString("id");
    }

    private static void publish(Api api, String subscriptionId, int order) {
        Api.Response event = api.post("/v1/events", new JsonObject().put("type", "order.created")
                .put("data", new JsonObject().put("order_id", order))
                .put("subscription_ids", new JsonArray().add(subscriptionId)));
        assertEquals(202, event.status(), event::toString);
    }

    private static void awaitDeliveries(Api api, String subscriptionId, String status, int expected) {
        Receiver.await(expected + " " + status + " deliveries of " + subscriptionId, Duration.ofSeconds(30),
                () -> count(api, subscriptionId, status) >= expected);
    }

    private static int count(Api api, String subscriptionId, String status) {
        Api.Response page = api.get("/v1/deliveries?subscription_id=" + subscriptionId + "&status=" + status);
        assertEquals(200, page.status(), page::toString);
        return page.json().getJsonArray("data").size();
    }

    /** A tenant and its API key, made through the admin API as an operator would; the browser signs in with the key. */
    private static String createTenantKey() {
        Api admin = new Api(app.httpPort(), app.adminToken());
        Api.Response tenant = admin.post("/v1/tenants", new JsonObject().put("name", "dashboard " + HOSTILE_MARK));
        assertEquals(201, tenant.status(), tenant::toString);
        Api.Response key = admin.post("/v1/tenants/" + tenant.json().getString("id") + "/api-keys",
                new JsonObject().put("name", "browser"));
        assertEquals(201, key.status(), key::toString);
        return key.json().getString("key");
    }

    private static void assertPng(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was saved");
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 1000, file + " is not empty (" + bytes.length + " bytes)");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8),
                file + " is a PNG");
    }
}
