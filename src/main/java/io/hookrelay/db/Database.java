package io.hookrelay.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The reactive connection pool every feature shares. */
public final class Database {

    private Database() {
    }

    public static PgConnectOptions connectOptions(DatabaseUrl url) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(url.host())
                .setPort(url.port())
                .setDatabase(url.database())
                .setUser(url.user())
                .setCachePreparedStatements(true)
                // The default caches only statements under 2,048 characters; the claim, the dispatch and
                // the dashboard's statements are longer, and planning them anew on every run cost more
                // than running them.
                .setPreparedStatementCacheSqlLimit(16_384)
                .setPipeliningLimit(256)
                .setReconnectAttempts(2)
                .setReconnectInterval(500);
        if (url.password() != null) {
            options.setPassword(url.password());
        }
        String sslmode = url.parameters().get("sslmode");
        if (sslmode != null) {
            options.setSslMode(SslMode.of(sslmode));
        }
        return options;
    }

    /**
     * The delivery engine's own few connections, apart from the API's so neither can starve the other.
     * They commit without waiting for the WAL flush: what the engine writes (fan-out, leases, outcomes) is
     * derived from events that were committed durably, and if PostgreSQL itself crashes, losing its last
     * fraction of a second of those writes only means some deliveries are sent again, with the same
     * webhook-id, which at-least-once delivery allows.
     */
    public static Pool enginePool(Vertx vertx, PgConnectOptions options, int size) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size).setName("hookrelay-engine").setShared(false)
                        .setConnectionTimeout(10).setIdleTimeout(300))
                // Every engine statement is built to read through an index. A plan cached while deliveries
                // was small chose to scan it whole and kept doing so once a backlog had filled it (1,206
                // deliveries/s against 11,958/s); planning every run instead cost the latency goal. So the
                // cached plans are kept and whole-table scans are priced out. Pricing them out adds 10^10 to
                // the cost of a plan that still needs one, far above jit_above_cost: PostgreSQL then compiled
                // such a statement with LLVM on every run (100-500 ms for a 100-row scan of subscriptions, in
                // the outcome writer's disable step). These statements are short; JIT never pays for them.
                .connectingTo(new PgConnectOptions(options).addProperty("synchronous_commit", "off")
                        .addProperty("enable_seqscan", "off").addProperty("enable_bitmapscan", "off")
                        .addProperty("jit", "off"))
                .using(vertx)
                .build();
    }

    public static Pool pool(Vertx vertx, DatabaseUrl url, int size) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size).setName("hookrelay").setShared(false)
                        .setConnectionTimeout(10).setIdleTimeout(300))
                .connectingTo(connectOptions(url))
                .using(vertx)
                .build();
    }
}
