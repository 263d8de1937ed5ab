-- The alert system of record (DESIGN.md §6, docs/decisions/0009-postgresql.md): the current state of every alert and
-- an append-only ledger of every change, written together in one transaction by the alert store. Nothing is ever
-- deleted and the ledger is never rewritten: triggers refuse it, so neither a bug nor a hand-typed statement can.

CREATE FUNCTION rm_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is refused: RiskMonitor never deletes or rewrites its records', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TABLE alerts
(
    alert_id         text PRIMARY KEY,
    asset_id         text NOT NULL,
    rule_id          text NOT NULL,
    region_id        text NOT NULL,
    kind             text NOT NULL,
    industry         text NOT NULL,
    severity         text NOT NULL,
    severity_rank    smallint NOT NULL,
    state            text NOT NULL,
    condition_active boolean NOT NULL,
    assignee         text NULL,
    cause            text NULL,
    raised_at        timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    closed_at        timestamptz NULL,
    -- Bumped by every ledger line, so it is also the sequence number of the newest one.
    version          integer NOT NULL,
    alert            jsonb NOT NULL
);

-- One alert per (asset, rule) that is not closed: the domain enforces it, the schema makes sure.
CREATE UNIQUE INDEX alerts_one_not_closed_per_rule ON alerts (asset_id, rule_id) WHERE state <> 'closed';
CREATE INDEX alerts_by_state ON alerts (state, raised_at DESC);
CREATE INDEX alerts_by_asset ON alerts (asset_id, raised_at DESC);
CREATE INDEX alerts_by_region ON alerts (region_id, raised_at DESC);

CREATE TRIGGER alerts_never_deleted BEFORE DELETE OR TRUNCATE ON alerts
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE alert_ledger
(
    entry_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id     text NOT NULL REFERENCES alerts (alert_id),
    seq          integer NOT NULL,
    at           timestamptz NOT NULL,
    action       text NOT NULL,
    actor        text NOT NULL,
    note         text NULL,
    state_before text NULL,
    state_after  text NOT NULL,
    alert_before jsonb NULL,
    alert_after  jsonb NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alert_ledger_seq UNIQUE (alert_id, seq)
);

CREATE INDEX alert_ledger_by_action ON alert_ledger (action, at);

CREATE TRIGGER alert_ledger_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON alert_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
