-- Accounts of the built-in token issuer and the audit trail of write requests (issue 11,
-- docs/decisions/0025-api-authentication-and-scope.md). Accounts are disabled, never deleted, so that every ledger
-- line's actor stays resolvable; the audit trail is append-only like the alert ledger.

CREATE TABLE users
(
    name          text PRIMARY KEY,
    password_hash text NOT NULL,
    roles         text[] NOT NULL,
    regions       text[] NOT NULL,
    display_name  text NULL,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL,
    CONSTRAINT users_name CHECK (char_length(name) BETWEEN 1 AND 100)
);

CREATE TRIGGER users_never_deleted BEFORE DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE audit_log
(
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL,
    actor   text NOT NULL,
    roles   text NOT NULL,
    method  text NOT NULL,
    path    text NOT NULL,
    status  integer NOT NULL,
    client  text NULL,
    scheme  text NULL
);

CREATE INDEX audit_log_actor_at ON audit_log (actor, at DESC);
CREATE INDEX audit_log_at ON audit_log (at DESC);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
