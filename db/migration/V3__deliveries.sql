-- One row per (event, subscription): the unit that is sent, retried, parked and shown on the dashboard.
CREATE TABLE deliveries (
    id                uuid PRIMARY KEY DEFAULT hookrelay_uuid_v7(),
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    event_id          uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subscription_id   uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    -- pending: waiting or being sent; succeeded; failed: out of attempts; parked: its subscription is disabled
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'parked')),
    attempts          integer NOT NULL DEFAULT 0,
    -- While a sender holds the delivery this is the end of its lease: a crashed sender's work becomes due again.
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    leased_by         text,
    last_status_code  integer,
    last_error        text,
    last_attempt_at   timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- When the current round of retries began: creation, or a manual retry / recover. Bounds its maximum age.
    cycle_started_at  timestamptz NOT NULL DEFAULT now(),
    completed_at      timestamptz,
    UNIQUE (event_id, subscription_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);
CREATE INDEX deliveries_by_tenant ON deliveries (tenant_id, id);

-- Every HTTP try, kept for the dashboard.
CREATE TABLE delivery_attempts (
    id                uuid PRIMARY KEY DEFAULT hookrelay_uuid_v7(),
    delivery_id       uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    tenant_id         uuid NOT NULL,
    subscription_id   uuid NOT NULL,
    attempt           integer NOT NULL,
    attempted_at      timestamptz NOT NULL,
    duration_ms       integer NOT NULL,
    status_code       integer,
    error             text,
    response_excerpt  text,
    request_headers   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, attempted_at);
CREATE INDEX delivery_attempts_by_subscription ON delivery_attempts (subscription_id, attempted_at);

ALTER TABLE subscriptions
    ADD COLUMN failure_streak   integer NOT NULL DEFAULT 0,
    ADD COLUMN failing_since    timestamptz,
    ADD COLUMN last_success_at  timestamptz,
    ADD COLUMN last_failure_at  timestamptz;

-- The subscription filter, in SQL, with the same meaning as EventTypeFilter.matches in Java.
CREATE FUNCTION hookrelay_type_matches(filters text[], event_type text) RETURNS boolean AS $$
    SELECT cardinality(filters) = 0 OR EXISTS (
        SELECT 1 FROM unnest(filters) AS f
        WHERE f = '*' OR f = event_type
           OR (right(f, 2) = '.*'
               AND length(event_type) > length(f) - 1
               AND left(event_type, length(f) - 1) = left(f, length(f) - 1)));
$$ LANGUAGE sql IMMUTABLE;
