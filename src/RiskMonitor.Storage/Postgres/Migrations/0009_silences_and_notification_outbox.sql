-- Silences and maintenance windows (docs/decisions/0017-noise-control.md). A silence is never deleted or rewritten:
-- ending one early fills expired_at/expired_by once, and every creation and expiry is a line in silence_ledger, which
-- is append-only, and an event in feed_events (same transaction), so the city platform sees who muted what and why.

CREATE TABLE silences
(
    silence_id  text PRIMARY KEY,
    scope       text NOT NULL CHECK (scope IN ('asset', 'region', 'kind')),
    target      text NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
    author      text NOT NULL,
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL,
    expired_at  timestamptz NULL,
    expired_by  text NULL,
    silence     jsonb NOT NULL
);

CREATE INDEX silences_pending ON silences (ends_at) WHERE expired_at IS NULL;

CREATE TRIGGER silences_never_deleted BEFORE DELETE OR TRUNCATE ON silences
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

-- Only the expiry may be filled in, and only once.
CREATE FUNCTION rm_silence_expire_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.expired_at IS NOT NULL
       OR (NEW.silence_id, NEW.scope, NEW.target, NEW.starts_at, NEW.ends_at, NEW.author, NEW.reason, NEW.created_at)
          IS DISTINCT FROM (OLD.silence_id, OLD.scope, OLD.target, OLD.starts_at, OLD.ends_at, OLD.author, OLD.reason, OLD.created_at) THEN
        RAISE EXCEPTION 'a silence can only be expired, once' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER silences_expire_only BEFORE UPDATE ON silences
    FOR EACH ROW EXECUTE FUNCTION rm_silence_expire_only();

CREATE TABLE silence_ledger
(
    entry_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    silence_id  text NOT NULL REFERENCES silences (silence_id),
    at          timestamptz NOT NULL,
    action      text NOT NULL,
    actor       text NOT NULL,
    note        text NULL,
    silence     jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER silence_ledger_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON silence_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

-- Durable notification outbox (docs/decisions/0018-notification-outbox.md): each escalation notice is written in the
-- same transaction as its "escalated" ledger line, then delivered by a worker that claims due rows (a lease, so a
-- crash mid-delivery only delays it), retries with backoff and marks the row delivered. Rows are never deleted.

CREATE TABLE notification_outbox
(
    notice_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id           text NOT NULL REFERENCES alerts (alert_id),
    step               integer NOT NULL,
    created_at         timestamptz NOT NULL,
    payload            jsonb NOT NULL,
    attempts           integer NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz NOT NULL,
    delivered_channels text[] NOT NULL DEFAULT '{}',
    delivered_at       timestamptz NULL,
    failed_at          timestamptz NULL,
    last_error         text NULL,
    recorded_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX notification_outbox_by_alert ON notification_outbox (alert_id, step);

CREATE TRIGGER notification_outbox_never_deleted BEFORE DELETE OR TRUNCATE ON notification_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
