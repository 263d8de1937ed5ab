-- Hazard supervision and the tip line (docs/decisions/0038-hazard-supervision-and-tip-line.md).
--
-- hazard_tips keeps what the 12350 caller gave apart from the hazard: the contact is in no hazard row, ledger line or
-- feed event, and only supervisors read it (GET /api/hazards/{id}/tip). The reference is the caller's key to ask for
-- the outcome. Rows are never changed or deleted.
CREATE TABLE hazard_tips
(
    reference   text PRIMARY KEY,
    hazard_id   text NOT NULL UNIQUE REFERENCES hazards (hazard_id),
    contact     text NULL,
    category    text NULL,
    department  text NOT NULL,
    placement   text NOT NULL,
    received_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER hazard_tips_never_changed BEFORE UPDATE OR DELETE OR TRUNCATE ON hazard_tips
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

-- Evidence files (photos, PDFs) of a record: record_kind names the ledger ('hazard' now; incidents can use the same
-- table and API shape), so there is no foreign key. The bytes live here, beside the record, in one backup; each file
-- is at most Hazards:Evidence:MaxBytes (10 MiB by default), and its type was proven by its first bytes.
CREATE TABLE evidence_files
(
    evidence_id  text PRIMARY KEY,
    record_kind  text NOT NULL,
    record_id    text NOT NULL,
    file_name    text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('jpeg', 'png', 'pdf')),
    size_bytes   integer NOT NULL CHECK (size_bytes > 0),
    sha256       text NOT NULL,
    uploaded_by  text NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    content      bytea NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- JPEG, PNG and PDF are compressed already: store them out of line without trying to compress them again.
ALTER TABLE evidence_files ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE INDEX evidence_files_by_record ON evidence_files (record_kind, record_id, uploaded_at);

CREATE TRIGGER evidence_files_never_changed BEFORE UPDATE OR DELETE OR TRUNCATE ON evidence_files
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
