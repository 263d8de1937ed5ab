-- The live registry (issue 20 item 2, docs/decisions/0041-live-registry.md): assets and regions changed over the API.
-- The GeoJSON files stay the seed; each row here is one feature as changed since (a GeoJSON Feature, the same shape as
-- the files), so the registry in force = the seed with these rows laid over it (a retired row removes the feature).
-- Every write also adds a line to registry_changes (migration 0020) and bumps registry_version in the same
-- transaction; the version row is locked by each write, so writes are serialised and every node that polls the version
-- and sees it move reloads the rows.

CREATE TABLE registry_features
(
    layer      text NOT NULL CHECK (layer IN ('asset', 'region')),
    feature_id text NOT NULL,
    version    integer NOT NULL,
    retired    boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    feature    jsonb NOT NULL,
    PRIMARY KEY (layer, feature_id)
);

CREATE TRIGGER registry_features_never_deleted BEFORE DELETE OR TRUNCATE ON registry_features
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();

CREATE TABLE registry_version
(
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL
);

INSERT INTO registry_version (only_row, version) VALUES (true, 0);
