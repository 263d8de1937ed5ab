-- Grain state written by group commit (issue 17, docs/decisions/0045-grain-state-by-group-commit.md): the states of many
-- grains go to PostgreSQL in one statement and one commit, instead of one Orleans ADO.NET transaction per grain. The
-- version is the grain's ETag (optimistic concurrency: a write names the version it read). Payload: Orleans' binary
-- serializer, so the grain state classes' [Id]s are the storage contract.
CREATE TABLE grain_state (
    grain_id text NOT NULL,
    state_name text NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    payload bytea NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (grain_id, state_name)
);
