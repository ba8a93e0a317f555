package io.hookrelay.ops;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The contract as YAML and an interactive Swagger UI over it, both served from the jar. */
public final class DocsRoutes {

    private static final String SWAGGER_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private final Buffer contractYaml;
    private final String swaggerRoot;

    public DocsRoutes(Buffer contractYaml) {
        this.contractYaml = contractYaml;
        this.swaggerRoot = "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion();
    }

    public void mount(Router router) {
        router.get("/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/yaml; charset=utf-8")
                .end(contractYaml));
        router.get("/docs").handler(ctx -> ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(PAGE));
        router.get("/docs/assets/*").handler(StaticHandler.create(swaggerRoot).setCachingEnabled(true));
        router.get("/").handler(ctx -> ctx.redirect("/docs"));
    }

    private static String swaggerUiVersion() {
        try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(SWAGGER_POM)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui WebJar is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Hookrelay API</title>
              <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/assets/swagger-ui-bundle.js"></script>
              <script>
                window.ui = SwaggerUIBundle({ url: "/openapi.yaml", dom_id: "#swagger-ui", deepLinking: true,
                  persistAuthorization: false, tryItOutEnabled: true });
              </script>
            </body>
            </html>
            """;
}
