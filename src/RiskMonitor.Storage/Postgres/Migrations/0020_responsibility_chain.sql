-- The responsibility chain (issue 20, docs/decisions/0035-responsibility-chain.md): organisations with their people,
-- the parties of each asset, and every change to either as a line in registry_changes (append-only: who, when, the
-- record after). Records are versioned (a write names the version it replaces) and retired, never deleted.

CREATE TABLE organisations
(
    organisation_id text PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('owner_unit', 'maintenance_unit', 'regulator', 'government')),
    credit_code     text NULL,
    version         integer NOT NULL,
    retired         boolean NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL,
    updated_by      text NOT NULL,
    body            jsonb NOT NULL
);

-- One organisation per unified social credit code (retired ones keep theirs: a code names one legal entity for good).
CREATE UNIQUE INDEX organisations_credit_code ON organisations (credit_code) WHERE credit_code IS NOT NULL;
CREATE INDEX organisations_people ON organisations USING gin ((body -> 'people') jsonb_path_ops);

CREATE TRIGGER organisations_never_deleted BEFORE DELETE OR TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE asset_parties
(
    asset_id            text PRIMARY KEY,
    owner_unit_id       text NOT NULL REFERENCES organisations (organisation_id),
    maintenance_unit_id text NULL REFERENCES organisations (organisation_id),
    regulator_id        text NULL REFERENCES organisations (organisation_id),
    version             integer NOT NULL,
    updated_at          timestamptz NOT NULL,
    updated_by          text NOT NULL,
    body                jsonb NOT NULL
);

CREATE INDEX asset_parties_owner ON asset_parties (owner_unit_id);
CREATE INDEX asset_parties_maintenance ON asset_parties (maintenance_unit_id);
CREATE INDEX asset_parties_regulator ON asset_parties (regulator_id);

CREATE TRIGGER asset_parties_never_deleted BEFORE DELETE OR TRUNCATE ON asset_parties
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE registry_changes
(
    change_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity    text NOT NULL,
    entity_id text NOT NULL,
    version   integer NOT NULL,
    actor     text NOT NULL,
    at        timestamptz NOT NULL,
    body      jsonb NOT NULL
);

CREATE INDEX registry_changes_by_entity ON registry_changes (entity, entity_id, version);

CREATE TRIGGER registry_changes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON registry_changes
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

-- The parties of each routed alert and how each acted (duties, the rescue of an entrapment). Not a foreign key to
-- alerts: the alert reaches PostgreSQL through its node's journal, possibly after its case.
CREATE TABLE party_cases
(
    alert_id           text PRIMARY KEY,
    asset_id           text NOT NULL,
    opened_at          timestamptz NOT NULL,
    organisation_ids   text[] NOT NULL,
    rescue_unit_id     text NULL,
    rescue_reported_at timestamptz NULL,
    updated_at         timestamptz NOT NULL,
    body               jsonb NOT NULL
);

CREATE INDEX party_cases_by_organisation ON party_cases USING gin (organisation_ids);
CREATE INDEX party_cases_rescues ON party_cases (rescue_reported_at) WHERE rescue_unit_id IS NOT NULL;

CREATE TRIGGER party_cases_never_deleted BEFORE DELETE OR TRUNCATE ON party_cases
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
