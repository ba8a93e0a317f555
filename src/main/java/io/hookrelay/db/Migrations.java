package io.hookrelay.db;

import org.flywaydb.core.Flyway;

/** Brings the schema up to date at start-up (blocking JDBC, before any verticle runs). */
public final class Migrations {

    private Migrations() {
    }

    public static int migrate(DatabaseUrl url) {
        return Flyway.configure()
                .dataSource(url.jdbcUrl(), url.user(), url.password())
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
