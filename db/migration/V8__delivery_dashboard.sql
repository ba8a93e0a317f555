-- The delivery dashboard: indexes for its lists, counts and statistics, and a notification per recorded
-- attempt batch so every instance can push outcomes to its live streams.

-- Lists filtered by state, newest first, per tenant and per subscription; also the backlog counts.
CREATE INDEX deliveries_by_tenant_status ON deliveries (tenant_id, status, id);
CREATE INDEX deliveries_by_subscription_status ON deliveries (subscription_id, status, id);
-- Parked deliveries are rare; counting them across every tenant (admin) should not read the whole table.
CREATE INDEX deliveries_parked ON deliveries (subscription_id) WHERE status = 'parked';

-- A tenant's attempts in a time window (its statistics), and every tenant's (admin statistics, retention).
CREATE INDEX delivery_attempts_by_tenant ON delivery_attempts (tenant_id, attempted_at);
CREATE INDEX delivery_attempts_by_time ON delivery_attempts (attempted_at);

-- One statement-level trigger per batch of attempts, not one per row: the outcome writer inserts whole
-- batches. The payload carries only attempt ids (NOTIFY payloads are limited to 8000 bytes, so 200 per
-- notification); listeners read the rest, and nothing is sent to them until the attempts are committed.
CREATE FUNCTION hookrelay_notify_attempts() RETURNS trigger AS $$
DECLARE
    chunk text;
BEGIN
    FOR chunk IN
        SELECT string_agg(id::text, ',')
        FROM (SELECT id, (row_number() OVER () - 1) / 200 AS part FROM inserted) numbered
        GROUP BY part
    LOOP
        PERFORM pg_notify('hookrelay_attempts', chunk);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER delivery_attempts_notify AFTER INSERT ON delivery_attempts
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION hookrelay_notify_attempts();
