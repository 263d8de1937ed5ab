-- The hidden-hazard ledger (隐患台账, DESIGN.md §6): every hazard's current record and an append-only ledger of every
-- step, written together in one transaction. Nothing is deleted; the ledger is never rewritten.

CREATE TABLE hazards
(
    hazard_id   text PRIMARY KEY,
    level       text NOT NULL,
    source      text NOT NULL,
    status      text NOT NULL,
    region_id   text NULL,
    industry    text NULL,
    asset_id    text NULL,
    alert_id    text NULL,
    deadline    timestamptz NULL,
    reported_at timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     integer NOT NULL,
    hazard      jsonb NOT NULL
);

CREATE INDEX hazards_by_status ON hazards (status, deadline);
CREATE INDEX hazards_by_region ON hazards (region_id, status);

CREATE TRIGGER hazards_never_deleted BEFORE DELETE OR TRUNCATE ON hazards
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE hazard_ledger
(
    entry_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hazard_id     text NOT NULL REFERENCES hazards (hazard_id),
    seq           integer NOT NULL,
    at            timestamptz NOT NULL,
    action        text NOT NULL,
    actor         text NOT NULL,
    note          text NULL,
    status_before text NULL,
    status_after  text NOT NULL,
    hazard_before jsonb NULL,
    hazard_after  jsonb NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT hazard_ledger_seq UNIQUE (hazard_id, seq)
);

CREATE TRIGGER hazard_ledger_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON hazard_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
