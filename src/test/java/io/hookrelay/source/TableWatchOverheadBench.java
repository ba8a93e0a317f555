package io.hookrelay.source;

import io.hookrelay.db.Database;
import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.db.Ids;
import io.hookrelay.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What a table watch costs the application that writes the table: single-row autocommit INSERTs over one
 * JDBC connection into an unwatched table and into an identical watched one (trigger installed by
 * {@link TableWatches}, exactly as the API does). Prints, asserts nothing. Runs against the server in
 * HOOKRELAY_TEST_DATABASE_URL, in a database of its own that it drops at the end.
 *
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * HOOKRELAY_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
 *   java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.hookrelay.source.TableWatchOverheadBench [rows] [rounds]
 * </pre>
 */
public final class TableWatchOverheadBench {

    private static final String TABLE = """
            CREATE TABLE %s (id bigserial PRIMARY KEY, status text NOT NULL, total numeric(12, 2) NOT NULL,
                             customer text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
            """;
    private static final String INSERT = "INSERT INTO %s (status, total, customer) VALUES (?, ?, ?)";
    private static final int BLOCK = 500;

    private TableWatchOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String configured = System.getenv("HOOKRELAY_TEST_DATABASE_URL");
        if (configured == null || configured.isBlank()) {
            System.err.println("set HOOKRELAY_TEST_DATABASE_URL=postgresql://user@host:port/postgres");
            System.exit(2);
        }
        DatabaseUrl server = DatabaseUrl.parse(configured);
        String name = "hookrelay_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
        run(server, "CREATE DATABASE " + name);
        try {
            measure(server.withDatabase(name), rows, rounds);
        } finally {
            run(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void measure(DatabaseUrl db, int rows, int rounds) throws Exception {
        Migrations.migrate(db);
        UUID tenant = Ids.newId();
        run(db, "INSERT INTO tenants (id, name) VALUES ('" + tenant + "', 'bench')");
        run(db, TABLE.formatted("orders_plain"));
        run(db, TABLE.formatted("orders_watched"));
        install(db, tenant);

        try (Connection conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             PreparedStatement plain = conn.prepareStatement(INSERT.formatted("orders_plain"));
             PreparedStatement watched = conn.prepareStatement(INSERT.formatted("orders_watched"))) {
            System.out.println(version(conn));
            System.out.printf("%,d single-row autocommit INSERTs per table per round, one JDBC connection, tables"
                    + " interleaved in blocks of %d so both see the same machine load%n", rows, BLOCK);
            long written = 0;
            for (String commit : new String[] {"on", "off"}) {
                execute(conn, "SET synchronous_commit = " + commit);
                System.out.printf("synchronous_commit=%s%s:%n", commit,
                        commit.equals("on") ? " (durable commits, as applications run)" : " (no WAL flush wait: the trigger's own cost)");
                written += interleaved(plain, watched, rows / 10)[2];
                double[] ratios = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    double[] result = interleaved(plain, watched, rows);
                    written += (long) result[2];
                    ratios[round] = result[1] / result[0];
                    System.out.printf("  round %d: unwatched %,8.0f inserts/s   watched %,8.0f inserts/s   watched/unwatched %.2f"
                                    + "   (+%.0f µs per insert)%n",
                            round + 1, result[0], result[1], ratios[round], 1e6 / result[1] - 1e6 / result[0]);
                }
                java.util.Arrays.sort(ratios);
                System.out.printf("  median watched/unwatched: %.2f%n", ratios[rounds / 2]);
            }
            System.out.printf("events written: %,d (expected %,d)%n", count(conn, "SELECT count(*) FROM events"), written);
        }
    }

    /** Inserts/s into the unwatched and the watched table, and the rows written into the watched one. */
    private static double[] interleaved(PreparedStatement plain, PreparedStatement watched, int rows) throws SQLException {
        long plainNanos = 0;
        long watchedNanos = 0;
        for (int done = 0; done < rows; done += BLOCK) {
            int block = Math.min(BLOCK, rows - done);
            plainNanos += insert(plain, done, block);
            watchedNanos += insert(watched, done, block);
        }
        return new double[] {rows / (plainNanos / 1e9), rows / (watchedNanos / 1e9), rows};
    }

    /** The same code path as POST /v1/sources with kind table. */
    private static void install(DatabaseUrl db, UUID tenant) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = Database.pool(vertx, db, 1);
            TableWatchSpec spec = new TableWatchSpec(new TableName("public", "orders_watched"), TableWatchSpec.ALL_OPERATIONS, "order");
            pool.withConnection(conn -> new TableWatches(new SourceRepository()).install(conn, Ids.newId(), tenant, spec))
                    .await(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static long insert(PreparedStatement insert, int first, int rows) throws SQLException {
        long start = System.nanoTime();
        for (int i = first; i < first + rows; i++) {
            insert.setString(1, i % 3 == 0 ? "paid" : "new");
            insert.setBigDecimal(2, BigDecimal.valueOf(i % 10_000, 2));
            insert.setString(3, "customer-" + (i % 977));
            insert.executeUpdate();
        }
        return System.nanoTime() - start;
    }

    private static void execute(Connection conn, String sql) throws SQLException {
        try (Statement statement = conn.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String version(Connection conn) throws SQLException {
        try (Statement statement = conn.createStatement(); ResultSet row = statement.executeQuery("SELECT version()")) {
            row.next();
            return row.getString(1);
        }
    }

    private static long count(Connection conn, String sql) throws SQLException {
        try (Statement statement = conn.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void run(DatabaseUrl url, String sql) throws SQLException {
        try (Connection conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             Statement statement = conn.createStatement()) {
            statement.execute(sql);
        }
    }
}
