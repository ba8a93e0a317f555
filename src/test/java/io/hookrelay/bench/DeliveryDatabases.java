package io.hookrelay.bench;

import io.hookrelay.db.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh database per run, so one run's deliveries never slow or feed the next. The databases live on the
 * server of the database run-bench.sh made for this invocation and are dropped after their run (and at the
 * latest on close). With no server ("embedded") every service start already gets a new embedded database
 * in its own data directory, so there is nothing to do.
 */
final class DeliveryDatabases implements AutoCloseable {

    private final DatabaseUrl invocation;
    private final List<String> created = new ArrayList<>();

    private DeliveryDatabases(DatabaseUrl invocation) {
        this.invocation = invocation;
        // An interrupted bench (Ctrl-C, a timeout) skips its finally blocks; the hook still drops its databases.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close();
            } catch (SQLException e) {
                System.err.println("could not drop the bench databases " + created + ": " + e.getMessage());
            }
        }, "drop-bench-databases"));
    }

    static DeliveryDatabases on(String databaseArgument) {
        boolean embedded = databaseArgument == null || databaseArgument.equals("embedded");
        return new DeliveryDatabases(embedded ? null : DatabaseUrl.parse(databaseArgument));
    }

    /** A new empty database's URL for the service, or null for the service's own embedded database. */
    synchronized String fresh(String label) throws SQLException {
        if (invocation == null) {
            return null;
        }
        String name = invocation.database() + "_" + label;
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        execute("CREATE DATABASE " + name);
        created.add(name);
        return invocation.withDatabase(name).toUrl();
    }

    synchronized void drop(String url) throws SQLException {
        if (url == null) {
            return;
        }
        String name = DatabaseUrl.parse(url).database();
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        created.remove(name);
    }

    @Override
    public synchronized void close() throws SQLException {
        for (String name : List.copyOf(created)) {
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
        created.clear();
    }

    /** Runs on the invocation's database: CREATE/DROP DATABASE may be issued from any database of the server. */
    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(invocation.jdbcUrl(), invocation.user(), invocation.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
