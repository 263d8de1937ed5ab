-- The integration feed (DESIGN.md §7, docs/decisions/0014-integration-feed.md): an ordered, append-only event log
-- written in the same transaction as the change it records (transactional outbox). Writers take a transaction-scoped
-- advisory lock before their insert, so cursors become visible in cursor order and a reader never skips one.

CREATE TABLE feed_events
(
    cursor         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type           text NOT NULL,
    schema_version smallint NOT NULL,
    occurred_at    timestamptz NOT NULL,
    asset_id       text NULL,
    region_id      text NULL,
    payload        jsonb NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX feed_events_by_type ON feed_events (type, cursor);
CREATE INDEX feed_events_by_region ON feed_events (region_id, cursor);

CREATE TRIGGER feed_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON feed_events
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
