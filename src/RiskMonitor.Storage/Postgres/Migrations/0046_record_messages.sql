-- Messages about records that are not alerts (issue 21, docs/decisions/0042-drills-end-to-end.md): an overdue listed
-- hazard's push and an incident's reporting clock, to named people by e-mail and SMS with retries, as decision 0036 does
-- for escalations. One row per (subject, kind, step): a push enqueued twice (a retry, a second node) is sent once.
-- Rows are never deleted: the table is also the record of who was told.

CREATE TABLE record_messages
(
    message_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject         text NOT NULL,
    kind            text NOT NULL,
    step            integer NOT NULL,
    created_at      timestamptz NOT NULL,
    message         jsonb NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    delivered_keys  text[] NOT NULL DEFAULT '{}',
    delivered_at    timestamptz NULL,
    failed_at       timestamptz NULL,
    last_error      text NULL,
    CONSTRAINT record_messages_once UNIQUE (subject, kind, step)
);

CREATE INDEX record_messages_due ON record_messages (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

CREATE TRIGGER record_messages_never_deleted BEFORE DELETE OR TRUNCATE ON record_messages
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
