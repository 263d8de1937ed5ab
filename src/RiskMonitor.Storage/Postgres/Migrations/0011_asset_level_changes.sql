-- Asset warning-level changes (issue 6, item 6; docs/decisions/0019-risk-snapshot-and-site-boards.md): append-only, written in batches
-- off the hot path. The level of an asset at time T is its last change at or before T, none before its first, so the
-- four-colour map at any past moment can be rebuilt with the registry. `colour` is the map colour the change gave
-- (max of inherent and level), kept for people who read the table directly.

CREATE TABLE asset_level_changes
(
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asset_id    text NOT NULL,
    changed_at  timestamptz NOT NULL,
    level       text NOT NULL,
    colour      text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX asset_level_changes_by_asset ON asset_level_changes (asset_id, changed_at DESC, seq DESC);

CREATE TRIGGER asset_level_changes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON asset_level_changes
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
