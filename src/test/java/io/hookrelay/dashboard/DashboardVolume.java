package io.hookrelay.dashboard;

import java.util.function.Consumer;

/**
 * Fills a database with a realistic delivery history in SQL alone: tenants, subscriptions, events,
 * deliveries (mostly succeeded, some failed, pending and parked) and their attempts spread over 35 days,
 * with UUIDv7 ids that match their times as the service's own would.
 */
final class DashboardVolume {

    static final int TENANTS = 20;
    static final int SUBSCRIPTIONS_PER_TENANT = 5;

    private DashboardVolume() {
    }

    /** {@code events} events, two deliveries each, three attempts for every two deliveries. */
    static void fill(Consumer<String> execute, int events) {
        execute.accept("""
                CREATE OR REPLACE FUNCTION pg_temp.v7_at(t timestamptz) RETURNS uuid AS $$
                    SELECT encode(overlay(uuid_send(gen_random_uuid())
                        PLACING substring(int8send(floor(extract(epoch FROM t) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 'hex')::uuid
                $$ LANGUAGE sql VOLATILE;
                INSERT INTO tenants (id, name) SELECT pg_temp.v7_at(now() - interval '40 days'), 'volume-' || g
                FROM generate_series(1, %1$d) g;
                INSERT INTO subscriptions (id, tenant_id, url, secret_enc)
                SELECT pg_temp.v7_at(now() - interval '40 days'), t.id, 'https://receiver-' || g || '.example.com/hooks', '\\x00'::bytea
                FROM tenants t, generate_series(1, %2$d) g WHERE t.name LIKE 'volume-%%';
                CREATE TEMP TABLE volume_tenants AS
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS t FROM tenants WHERE name LIKE 'volume-%%';
                CREATE TEMP TABLE volume_subs AS
                SELECT s.id, s.tenant_id, row_number() OVER (PARTITION BY s.tenant_id ORDER BY s.id) - 1 AS m
                FROM subscriptions s JOIN volume_tenants t ON t.id = s.tenant_id;
                CREATE TEMP TABLE volume_events AS
                SELECT g, now() - (g::float8 / %3$d) * interval '35 days' AS at FROM generate_series(1, %3$d) g;
                INSERT INTO events (id, tenant_id, type, data, created_at, dispatched_at)
                SELECT pg_temp.v7_at(e.at), t.id, 'order.created', '{"n":1}', e.at, e.at
                FROM volume_events e JOIN volume_tenants t ON t.t = e.g %% %1$d;
                INSERT INTO deliveries (id, tenant_id, event_id, subscription_id, status, attempts, created_at,
                                        last_attempt_at, completed_at, next_attempt_at, cycle_started_at)
                SELECT pg_temp.v7_at(ev.created_at), ev.tenant_id, ev.id, s.id,
                       CASE WHEN r < 0.95 THEN 'succeeded' WHEN r < 0.98 THEN 'failed' WHEN r < 0.995 THEN 'pending'
                            ELSE 'parked' END,
                       1, ev.created_at, ev.created_at, ev.created_at, ev.created_at + interval '1 minute', ev.created_at
                FROM events ev
                CROSS JOIN LATERAL (SELECT random() AS r) rnd
                JOIN volume_subs s ON s.tenant_id = ev.tenant_id
                     AND s.m IN (ev.seq %% %2$d, (ev.seq + 1) %% %2$d)
                WHERE ev.type = 'order.created' AND ev.data = '{"n":1}';
                INSERT INTO delivery_attempts (id, delivery_id, tenant_id, subscription_id, attempt, attempted_at,
                                               duration_ms, status_code, error, response_excerpt, request_headers)
                SELECT pg_temp.v7_at(d.created_at + k * interval '1 second'), d.id, d.tenant_id, d.subscription_id, k,
                       d.created_at + k * interval '1 second', (20 + random() * 400)::int,
                       CASE WHEN d.status = 'succeeded' AND k = 1 + (hashtext(d.id::text) & 1) THEN 200 ELSE 503 END,
                       NULL, 'ok', '{"content-type":"application/json"}'
                FROM deliveries d, generate_series(1, 2) k
                WHERE d.tenant_id IN (SELECT id FROM tenants WHERE name LIKE 'volume-%%')
                  AND (k = 1 OR hashtext(d.id::text) & 1 = 1);
                ANALYZE;
                """.formatted(TENANTS, SUBSCRIPTIONS_PER_TENANT, events));
    }
}
