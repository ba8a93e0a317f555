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

    public static Pool pool(Vertx vertx, DatabaseUrl url, int size) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size).setName("hookrelay").setShared(false)
                        .setConnectionTimeout(10).setIdleTimeout(300))
                .connectingTo(connectOptions(url))
                .using(vertx)
                .build();
    }
}
