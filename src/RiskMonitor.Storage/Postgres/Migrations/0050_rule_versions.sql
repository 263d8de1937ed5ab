-- Rules as managed configuration (issue 22 item 2, docs/decisions/0043-rules-as-managed-configuration.md). Every
-- version of the rule document, in order: the seed from the rule file, each change and each rollback, with who, when,
-- why and how many assets it changed. The newest row is the rules in force on every node; nothing is ever updated or
-- deleted, so the table is also the audit of rule changes.

CREATE TABLE rule_versions
(
    version         bigint PRIMARY KEY CHECK (version >= 1),
    document        text NOT NULL,
    action          text NOT NULL CHECK (action IN ('seed', 'change', 'rollback')),
    restored_from   bigint NULL REFERENCES rule_versions (version),
    author          text NOT NULL,
    reason          text NOT NULL,
    created_at      timestamptz NOT NULL,
    affected_assets integer NOT NULL CHECK (affected_assets >= 0),
    summary         text NOT NULL
);

CREATE TRIGGER rule_versions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON rule_versions
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
