-- UUIDv7 made inside the database, for events written by triggers (the service makes its own in Java).
-- A v4 UUID with its first 48 bits replaced by Unix milliseconds and its version nibble set to 7.
CREATE FUNCTION hookrelay_uuid_v7() RETURNS uuid AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid;
$$ LANGUAGE sql VOLATILE;

-- The outbox. Every detector writes here; the dispatcher fans undispatched rows out to deliveries.
CREATE TABLE events (
    id                uuid PRIMARY KEY DEFAULT hookrelay_uuid_v7(),
    -- Commit order is not id order; seq gives readers (feeds, streams) one total order to resume from.
    seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type              text NOT NULL,
    data              jsonb NOT NULL,
    subscription_ids  uuid[],
    source_id         uuid,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    dispatched_at     timestamptz
);
CREATE INDEX events_by_tenant ON events (tenant_id, id);
CREATE INDEX events_by_tenant_type ON events (tenant_id, type, id);
CREATE INDEX events_undispatched ON events (seq) WHERE dispatched_at IS NULL;

-- One wake-up per writing statement, not per row: NOTIFY is a hint, readers always query the table.
CREATE FUNCTION hookrelay_notify_events() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('hookrelay_events', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION hookrelay_notify_events();

-- A tenant's catalogue of event types, optionally with a JSON Schema that every event of the type must match.
CREATE TABLE event_types (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL,
    description  text,
    schema       jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- Change detectors: watched tables (a trigger writes events) and polled HTTP resources.
CREATE TABLE sources (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('table', 'http')),
    -- kind = 'table'
    table_schema       text,
    table_name         text,
    operations         text[],
    event_type_prefix  text,
    trigger_name       text,
    -- kind = 'http'
    url                text,
    interval_seconds   integer,
    headers            jsonb NOT NULL DEFAULT '{}',
    include_body       boolean NOT NULL DEFAULT false,
    etag               text,
    last_modified      text,
    last_body          jsonb,
    last_polled_at     timestamptz,
    next_poll_at       timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_error         text,
    lease_owner        text,
    lease_until        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sources_by_tenant ON sources (tenant_id, id);
CREATE INDEX sources_due ON sources (next_poll_at) WHERE kind = 'http';
CREATE UNIQUE INDEX sources_one_watch_per_table ON sources (tenant_id, table_schema, table_name) WHERE kind = 'table';
