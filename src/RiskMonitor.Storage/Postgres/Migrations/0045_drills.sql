-- Drills (演练, issue 21 item 5, docs/decisions/0042-drills-end-to-end.md): the current record of each drill and an
-- append-only ledger of its steps (planned, started, injected, ended), written together in one transaction. A drill's
-- alerts are in the alert tables under their drill keys ({assetId}!{drillId}); nothing here is read by the KPIs.

CREATE TABLE drills
(
    drill_id   text PRIMARY KEY,
    status     text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version    integer NOT NULL,
    drill      jsonb NOT NULL
);

CREATE INDEX drills_by_status ON drills (status, created_at DESC);

CREATE TRIGGER drills_never_deleted BEFORE DELETE OR TRUNCATE ON drills
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE drill_ledger
(
    entry_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    drill_id    text NOT NULL REFERENCES drills (drill_id),
    seq         integer NOT NULL,
    at          timestamptz NOT NULL,
    action      text NOT NULL,
    actor       text NOT NULL,
    drill_after jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT drill_ledger_seq UNIQUE (drill_id, seq)
);

CREATE TRIGGER drill_ledger_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON drill_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
