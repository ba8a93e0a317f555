-- Ids are UUIDv7 made by the service: time-ordered, so keyset pagination and b-tree inserts stay cheap.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text,
    prefix      text NOT NULL,
    -- SHA-256 of the whole key: keys carry 256 random bits, so a slow hash would add nothing but latency.
    key_hash    bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, id);

CREATE TABLE subscriptions (
    id                          uuid PRIMARY KEY,
    tenant_id                   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url                         text NOT NULL,
    description                 text,
    event_types                 text[] NOT NULL DEFAULT '{}',
    headers                     jsonb NOT NULL DEFAULT '{}',
    metadata                    jsonb NOT NULL DEFAULT '{}',
    status                      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    disabled_reason             text,
    disabled_at                 timestamptz,
    -- AES-256-GCM ciphertexts (see SecretBox); the plain secret never reaches the database.
    secret_enc                  bytea NOT NULL,
    previous_secret_enc         bytea,
    previous_secret_expires_at  timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_by_tenant ON subscriptions (tenant_id, id);

-- Idempotency-Key bookkeeping. The row is written in the same transaction as the work it guards, so
-- a racing duplicate blocks on the primary key until the first commits, then replays its answer.
CREATE TABLE idempotency_keys (
    scope           text NOT NULL,
    key             text NOT NULL,
    request_hash    bytea NOT NULL,
    status_code     integer NOT NULL DEFAULT 0,
    -- Sealed with the master key: first answers can carry secrets (a new subscription's, a new API key).
    response_body   bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Facts about this installation, e.g. a check value that tells a wrong master key at start-up.
CREATE TABLE settings (
    name   text PRIMARY KEY,
    value  text NOT NULL
);
