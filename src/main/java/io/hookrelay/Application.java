package io.hookrelay;

import io.hookrelay.config.Config;
import io.hookrelay.config.ConfigException;
import io.hookrelay.crypto.KeyFiles;
import io.hookrelay.crypto.SecretBox;
import io.hookrelay.crypto.Tokens;
import io.hookrelay.dashboard.AttemptRetention;
import io.hookrelay.dashboard.DeliveryOutcomeFeed;
import io.hookrelay.db.Database;
import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.db.Migrations;
import io.hookrelay.db.embedded.EmbeddedDatabase;
import io.hookrelay.delivery.DeliveryVerticle;
import io.hookrelay.event.EventSchemas;
import io.hookrelay.http.Contract;
import io.hookrelay.http.HttpVerticle;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Services;
import io.hookrelay.net.TargetUrlPolicy;
import io.hookrelay.ops.Metrics;
import io.hookrelay.source.poll.PollerSettings;
import io.hookrelay.source.poll.ResourcePoller;
import io.hookrelay.stream.EventFeed;
import io.hookrelay.tenant.ApiKeyCache;
import io.hookrelay.tenant.ApiKeyRepository;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A running Hookrelay: database, schema, credentials and verticles, started in that order and stopped in
 * reverse. {@link Main} runs one; tests run one in-process.
 */
public final class Application implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Application.class.getName());
    private static final String CONTRACT = "openapi/hookrelay.yaml";
    private static final long HOUSEKEEPING_PERIOD_MS = Duration.ofMinutes(10).toMillis();

    private final Config config;
    private final EmbeddedDatabase embedded;
    private final Vertx vertx;
    private final Pool pool;
    private final int httpPort;
    private final String adminToken;
    private final DeliveryOutcomeFeed outcomes;

    private Application(Config config, EmbeddedDatabase embedded, Vertx vertx, Pool pool, int httpPort, String adminToken,
                        DeliveryOutcomeFeed outcomes) {
        this.config = config;
        this.embedded = embedded;
        this.vertx = vertx;
        this.pool = pool;
        this.httpPort = httpPort;
        this.adminToken = adminToken;
        this.outcomes = outcomes;
    }

    /** Starts everything, blocking the calling thread (never an event loop) until the service listens. */
    public static Application start(Config config) {
        createDataDir(config.dataDir());
        EmbeddedDatabase embedded = config.embeddedDatabase()
                ? EmbeddedDatabase.start(config.dataDir(), config.embeddedStartTimeout()) : null;
        Vertx vertx = null;
        try {
            DatabaseUrl url = embedded != null ? embedded.url() : DatabaseUrl.parse(config.databaseUrl().orElseThrow());
            int applied = Migrations.migrate(url);
            LOG.info("database " + url + " is at the latest schema (" + applied + " migrations applied now)");

            KeyFiles.Loaded admin = adminToken(config);
            SecretBox secretBox = new SecretBox(masterKey(config));

            PrometheusMeterRegistry registry = Metrics.newRegistry();
            vertx = Vertx.builder()
                    .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                    .withMetrics(new MicrometerMetricsFactory(registry))
                    .build();
            Pool pool = Database.pool(vertx, url, config.databasePoolSize());
            checkMasterKey(pool, secretBox);

            Buffer contractYaml = Buffer.buffer(readResource(CONTRACT));
            OpenAPIContract contract = Contract.load(vertx, contractYaml).await(30, TimeUnit.SECONDS);
            // Deployed before the HTTP verticles, which attach their stream clients to it.
            EventFeed eventFeed = new EventFeed(pool, Database.connectOptions(url));
            vertx.deployVerticle(eventFeed).await(30, TimeUnit.SECONDS);
            Idempotency idempotency = new Idempotency(pool, config.idempotencyTtl(), secretBox);
            DeliveryOutcomeFeed outcomes = new DeliveryOutcomeFeed(vertx, pool, Database.connectOptions(url));
            outcomes.start().await(30, TimeUnit.SECONDS);
            if (config.allowPrivateTargets()) {
                LOG.warning("HOOKRELAY_ALLOW_PRIVATE_TARGETS=true: the SSRF guard is off; callbacks and polled sources"
                        + " may reach loopback, private-network and cloud metadata addresses");
            }
            Services services = new Services(config, pool, secretBox, admin.value(),
                    new TargetUrlPolicy(config.allowPrivateTargets()), registry, contract, contractYaml, idempotency,
                    new ApiKeyCache(new ApiKeyRepository(pool)), new EventSchemas(vertx), outcomes, eventFeed);

            int port = deployHttp(vertx, services, config);
            if (config.delivery().enabled()) {
                vertx.deployVerticle(new DeliveryVerticle(config, Database.connectOptions(url), secretBox,
                        services.targets())).await(30, TimeUnit.SECONDS);
            }
            if (config.pollerEnabled()) {
                vertx.deployVerticle(new ResourcePoller(vertx, pool, services.targets(), PollerSettings.defaults()))
                        .await(30, TimeUnit.SECONDS);
            }
            vertx.setPeriodic(HOUSEKEEPING_PERIOD_MS, id -> idempotency.expireOld()
                    .onFailure(e -> LOG.warning("expiring idempotency keys failed: " + e.getMessage())));
            new AttemptRetention(vertx, pool, config.attemptRetention(), Clock.systemUTC()).schedule();

            if (admin.created()) {
                System.out.println("""

                        Hookrelay admin token (shown only this once; kept in %s):

                            %s

                        """.formatted(config.dataDir().resolve("admin-token"), admin.value()));
            }
            LOG.info("Hookrelay listening on http://" + config.httpHost() + ":" + port);
            return new Application(config, embedded, vertx, pool, port, admin.value(), outcomes);
        } catch (Exception | Error e) {
            stopQuietly(vertx, embedded);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Hookrelay failed to start: " + e.getMessage(), e);
        }
    }

    private static void stopQuietly(Vertx vertx, EmbeddedDatabase embedded) {
        if (vertx != null) {
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // start-up already failed; the original failure is the one to report
            }
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    public int httpPort() {
        return httpPort;
    }

    public String adminToken() {
        return adminToken;
    }

    public Vertx vertx() {
        return vertx;
    }

    public Pool pool() {
        return pool;
    }

    /** Stops taking requests, lets work in progress finish within the shutdown timeout, then stops the database. */
    @Override
    public void close() {
        long started = System.nanoTime();
        LOG.info("Hookrelay stopping: finishing work in flight (up to " + config.shutdownTimeout() + ")");
        try {
            // Live delivery streams never end by themselves; end them first so they do not hold up the HTTP shutdown.
            int streams = outcomes.listening();
            outcomes.stop().await(5, TimeUnit.SECONDS);
            LOG.info("closed " + streams + " live delivery stream" + (streams == 1 ? "" : "s"));
        } catch (Exception e) {
            LOG.warning("closing the live delivery streams failed: " + e.getMessage());
        }
        try {
            // Verticles first, while the database pool is still open: in-flight work (a long poll's last
            // read, a delivery's outcome) completes instead of failing on a closed pool.
            Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
                    .await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("stopped the HTTP servers (open event streams ended)"
                    + (config.delivery().enabled() ? ", the delivery engine" : "")
                    + (config.pollerEnabled() ? ", the source pollers" : ""));
        } catch (Exception e) {
            LOG.warning("verticles did not stop within " + config.shutdownTimeout() + ": " + e.getMessage());
        }
        try {
            vertx.close().await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warning("Vert.x did not stop within " + config.shutdownTimeout() + ": " + e.getMessage());
        }
        if (embedded != null) {
            embedded.close();
            LOG.info("stopped the embedded PostgreSQL");
        }
        LOG.info(String.format(Locale.ROOT, "Hookrelay stopped in %.1f s", (System.nanoTime() - started) / 1e9));
    }

    /**
     * Port 0 becomes -1, Vert.x's way of letting every instance share one randomly chosen port (with 0,
     * each instance would bind a different one).
     */
    private static int deployHttp(Vertx vertx, Services services, Config config) throws Exception {
        int port = config.httpPort() == 0 ? -1 : config.httpPort();
        AtomicReference<HttpVerticle> any = new AtomicReference<>();
        vertx.deployVerticle(() -> {
            HttpVerticle verticle = new HttpVerticle(services, port);
            any.set(verticle);
            return verticle;
        }, new DeploymentOptions().setInstances(config.httpInstances())).await(30, TimeUnit.SECONDS);
        return any.get().actualPort();
    }

    private static KeyFiles.Loaded adminToken(Config config) {
        if (config.adminToken().isPresent()) {
            String token = config.adminToken().get();
            if (token.length() < 16) {
                throw new ConfigException("HOOKRELAY_ADMIN_TOKEN must be at least 16 characters");
            }
            return new KeyFiles.Loaded(token, false);
        }
        return KeyFiles.loadOrCreate(config.dataDir().resolve("admin-token"), () -> "hradmin_" + Tokens.randomToken(32));
    }

    private static byte[] masterKey(Config config) {
        String encoded = config.masterKey().orElseGet(() -> {
            if (!config.embeddedDatabase()) {
                LOG.warning("HOOKRELAY_MASTER_KEY is not set: using a key generated into " + config.dataDir()
                        + "; every instance sharing this database needs the same key");
            }
            return KeyFiles.loadOrCreate(config.dataDir().resolve("master-key"),
                    () -> Base64.getEncoder().encodeToString(Tokens.randomBytes(32))).value();
        });
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length != 32) {
                throw new ConfigException("HOOKRELAY_MASTER_KEY must be base64 of 32 bytes, got " + key.length + " bytes");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HOOKRELAY_MASTER_KEY must be base64 of 32 bytes");
        }
    }

    /** Refuses to start under a master key other than the one the stored secrets were sealed with. */
    private static void checkMasterKey(Pool pool, SecretBox box) throws Exception {
        String check = box.keyCheck();
        String stored = pool.preparedQuery("""
                        INSERT INTO settings (name, value) VALUES ('master_key_check', $1)
                        ON CONFLICT (name) DO UPDATE SET value = settings.value
                        RETURNING value
                        """)
                .execute(Tuple.of(check))
                .map(rows -> rows.iterator().next().getString("value"))
                .await(30, TimeUnit.SECONDS);
        if (!stored.equals(check)) {
            throw new ConfigException("the master key differs from the one this database's secrets were encrypted with;"
                    + " start with the original HOOKRELAY_MASTER_KEY (or master-key file)");
        }
    }

    private static void createDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new ConfigException("cannot create HOOKRELAY_DATA_DIR " + dataDir + ": " + e.getMessage());
        }
    }

    private static byte[] readResource(String name) {
        try (InputStream in = Application.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
