package io.hookrelay.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.TestService;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OperationsTest {

    static Application app;
    static Api anonymous;

    @BeforeAll
    static void start() {
        app = TestService.strict();
        anonymous = new Api(app.httpPort(), null);
    }

    @Test
    @DisplayName("liveness answers without a token, and readiness reports the database")
    void health() {
        Api.Response live = anonymous.get("/health/live");
        assertEquals(200, live.status());
        assertEquals("up", live.json().getString("status"));
        Api.Response ready = anonymous.get("/health/ready");
        assertEquals(200, ready.status(), ready::toString);
        assertEquals("up", ready.json().getJsonObject("checks").getJsonObject("database").getString("status"));
    }

    @Test
    @DisplayName("metrics are Prometheus text with JVM and HTTP server meters")
    void metrics() {
        anonymous.get("/health/live");
        Api.Response metrics = anonymous.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("content-type").startsWith("text/plain"), metrics.header("content-type"));
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM meters");
        assertTrue(metrics.body().contains("vertx_http_server_requests_total"), "Vert.x HTTP meters");
    }

    @Test
    @DisplayName("the contract is served exactly as in the repository, with an interactive page over it")
    void contractAndDocs() throws Exception {
        Api.Response yaml = anonymous.get("/openapi.yaml");
        assertEquals(200, yaml.status());
        assertEquals(Files.readString(Path.of("openapi/hookrelay.yaml")), yaml.body());

        Api.Response page = anonymous.get("/docs");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("/openapi.yaml") && page.body().contains("swagger-ui-bundle.js"));
        Api.Response bundle = anonymous.get("/docs/assets/swagger-ui-bundle.js");
        assertEquals(200, bundle.status());
        assertTrue(bundle.body().length() > 100_000, "the Swagger UI bundle is served from the WebJar");
        assertEquals(200, anonymous.get("/docs/assets/swagger-ui.css").status());
        assertEquals(404, anonymous.get("/docs/assets/../../../../etc/passwd").status());
    }
}
