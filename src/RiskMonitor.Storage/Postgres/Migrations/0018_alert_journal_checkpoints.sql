-- How far each node's alert journal has been written (docs/decisions/0028-alert-journal-and-group-commit.md). The
-- group-commit writer moves its node's row forward in the same transaction as the alert changes it writes, so after a
-- crash a replay skips exactly what is already in the ledger: every change lands once.

CREATE TABLE alert_journal_checkpoints
(
    node_id    text PRIMARY KEY,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
