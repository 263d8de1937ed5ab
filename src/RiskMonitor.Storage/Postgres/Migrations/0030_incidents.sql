-- Incidents (事故) as durable records with their reporting ladder (issue 21, docs/decisions/0037-incidents-and-the-reporting-ladder.md):
-- the current record and an append-only ledger of every step (reports, re-grades, clocks pushed), written together in
-- one transaction with the feed event. Nothing is deleted; the ledger is never rewritten, so a late mark (迟报) stays.

CREATE TABLE incidents
(
    incident_id text PRIMARY KEY,
    status      text NOT NULL,
    grade       text NOT NULL,
    region_id   text NULL,
    exercise    boolean NOT NULL,
    occurred_at timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     integer NOT NULL,
    incident    jsonb NOT NULL
);

CREATE INDEX incidents_by_status ON incidents (status, occurred_at DESC);

CREATE TRIGGER incidents_never_deleted BEFORE DELETE OR TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE incident_ledger
(
    entry_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id    text NOT NULL REFERENCES incidents (incident_id),
    seq            integer NOT NULL,
    at             timestamptz NOT NULL,
    action         text NOT NULL,
    actor          text NOT NULL,
    note           text NULL,
    incident_after jsonb NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT incident_ledger_seq UNIQUE (incident_id, seq)
);

CREATE TRIGGER incident_ledger_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON incident_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
