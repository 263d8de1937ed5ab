-- Issue 9: who may read the integration feed and where it is pushed (docs/decisions/0015-webhooks-and-api-keys.md).

-- Integrators' API keys. Only the SHA-256 of a key is stored: a key is 256 random bits, so a fast hash cannot be
-- brute-forced and lets a request find its key by an index lookup. Keys are revoked, never deleted (audit).
CREATE TABLE api_keys
(
    key_id      text PRIMARY KEY,
    integrator  text NOT NULL,
    key_sha256  bytea NOT NULL UNIQUE,
    scopes      text[] NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    revoked_at  timestamptz NULL
);

CREATE TRIGGER api_keys_never_deleted BEFORE DELETE OR TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

-- Webhook subscriptions with their delivery cursor (the last feed cursor the subscriber answered 2xx for) and health.
-- The secret is stored as given out: the server needs it to sign every delivery.
CREATE TABLE webhook_subscriptions
(
    subscription_id      text PRIMARY KEY,
    owner                text NOT NULL,
    url                  text NOT NULL,
    secret               text NOT NULL,
    types                text[] NULL,
    region_id            text NULL,
    created_at           timestamptz NOT NULL,
    cursor               bigint NOT NULL,
    state                text NOT NULL,
    first_failure_at     timestamptz NULL,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_error           text NULL,
    last_delivered_at    timestamptz NULL,
    deleted_at           timestamptz NULL
);

CREATE INDEX webhook_subscriptions_by_owner ON webhook_subscriptions (owner) WHERE deleted_at IS NULL;
