-- MQTT device and gateway credentials (issue 11, docs/decisions/0023-mqtt-device-credentials.md). Only a salted
-- PBKDF2 hash of each secret is stored. A revoked credential stays (and keeps its id) so that the id is never reused
-- and who revoked it when remains on record; rows are never deleted.

CREATE TABLE device_credentials
(
    device_id     text PRIMARY KEY,
    password_hash text NOT NULL,
    assets        text[] NOT NULL,
    description   text NULL,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    rotated_at    timestamptz NULL,
    revoked_at    timestamptz NULL,
    revoked_by    text NULL,
    CONSTRAINT device_credentials_id CHECK (device_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    CONSTRAINT device_credentials_revoked CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

CREATE TRIGGER device_credentials_never_deleted BEFORE DELETE OR TRUNCATE ON device_credentials
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
