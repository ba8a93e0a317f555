package io.hookrelay.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.support.TestDatabase;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V12 on a database that V11 left with deliveries in it: the old per-cycle count becomes cycle_attempts,
 * and the new total is backfilled from the attempt history.
 */
class DeliveryAttemptCountsMigrationTest {

    static TestDatabase database;
    static UUID tenant = UUID.randomUUID();
    static UUID subscription = UUID.randomUUID();
    static UUID retried;
    static UUID trimmed;
    static UUID partlyTrimmed;
    static UUID fresh;

    @BeforeAll
    static void migrateWithDeliveries() {
        database = TestDatabase.get("v12-attempt-counts");
        Flyway.configure().dataSource(database.url().jdbcUrl(), database.url().user(), database.url().password())
                .locations("classpath:db/migration").target("11").load().migrate();
        database.execute("INSERT INTO tenants (id, name) VALUES ('" + tenant + "', 'v12')");
        database.execute("INSERT INTO subscriptions (id, tenant_id, url, secret_enc) VALUES ('" + subscription
                + "', '" + tenant + "', 'http://127.0.0.1:9/hook', '\\x00')");
        retried = delivery(1, 3);       // failed twice, retried by hand, tried once more
        trimmed = delivery(2, 0);       // retention deleted its whole history
        partlyTrimmed = delivery(4, 2); // retention deleted its two oldest attempts
        fresh = delivery(0, 0);
        Migrations.migrate(database.url());
    }

    /** A delivery as V11 stored it: {@code attempts} the count of the current cycle, and its history. */
    private static UUID delivery(int cycleCount, int recorded) {
        UUID event = UUID.randomUUID();
        UUID delivery = UUID.randomUUID();
        database.execute("INSERT INTO events (id, tenant_id, type, data) VALUES ('" + event + "', '" + tenant
                + "', 'order.created', '{}')");
        database.execute("""
                INSERT INTO deliveries (id, tenant_id, event_id, event_seq, subscription_id, attempts)
                SELECT '%s', tenant_id, id, seq, '%s', %d FROM events WHERE id = '%s'
                """.formatted(delivery, subscription, cycleCount, event));
        database.execute("""
                INSERT INTO delivery_attempts (delivery_id, tenant_id, subscription_id, attempt, attempted_at, duration_ms)
                SELECT '%s', '%s', '%s', n, now(), 5 FROM generate_series(1, %d) AS n
                """.formatted(delivery, tenant, subscription, recorded));
        return delivery;
    }

    private static long counts(UUID delivery, int attempts, int cycleAttempts) {
        return database.count("SELECT count(*) FROM deliveries WHERE id = '" + delivery + "' AND attempts = "
                + attempts + " AND cycle_attempts = " + cycleAttempts);
    }

    @Test
    @DisplayName("the old count becomes cycle_attempts; attempts is the larger of it and the recorded attempts")
    void backfill() {
        assertEquals(1, counts(retried, 3, 1), "a retried delivery: three attempts in all, one in this cycle");
        assertEquals(1, counts(trimmed, 2, 2), "without history the cycle count is the floor");
        assertEquals(1, counts(partlyTrimmed, 4, 4), "a history shorter than the cycle does not lower the total");
        assertEquals(1, counts(fresh, 0, 0));
    }

    @Test
    @DisplayName("both counts are NOT NULL DEFAULT 0, commented, and in no index, so outcome updates can stay HOT")
    void columns() {
        assertEquals(2, database.count("""
                SELECT count(*) FROM information_schema.columns
                WHERE table_name = 'deliveries' AND column_name IN ('attempts', 'cycle_attempts')
                  AND is_nullable = 'NO' AND column_default = '0' AND data_type = 'integer'
                """));
        assertEquals(2, database.count("""
                SELECT count(*) FROM pg_attribute
                WHERE attrelid = 'deliveries'::regclass AND attname IN ('attempts', 'cycle_attempts')
                  AND col_description(attrelid, attnum) IS NOT NULL
                """));
        assertTrue(database.count("SELECT count(*) FROM pg_index WHERE indrelid = 'deliveries'::regclass") >= 5,
                "the check below reads the table's indexes");
        // Key and INCLUDE columns are in indkey; predicate and expression columns only in their expressions.
        assertEquals(0, database.count("""
                SELECT count(*) FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname IN ('attempts', 'cycle_attempts')
                WHERE i.indrelid = 'deliveries'::regclass
                  AND (a.attnum = ANY (i.indkey)
                       OR pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M')
                       OR pg_get_expr(i.indexprs, i.indrelid) ~ ('\\m' || a.attname || '\\M'))
                """), "an index on a count would make every outcome update a non-HOT one");
    }
}
