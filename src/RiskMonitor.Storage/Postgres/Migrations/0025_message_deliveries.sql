-- E-mail and text messages sent for escalation notices, and the delivery receipts the providers post back
-- (docs/decisions/0036-people-are-told.md). Appended per message; a receipt sets status, provider_status and
-- receipt_at of the row with its provider message id. Rows are never deleted.

CREATE TABLE message_deliveries
(
    delivery_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id           bigint NOT NULL,
    alert_id            text NOT NULL,
    step                integer NOT NULL,
    delivery_key        text NOT NULL,
    channel             text NOT NULL,
    address             text NOT NULL,
    provider_message_id text NULL,
    status              text NOT NULL,
    provider_status     text NULL,
    at                  timestamptz NOT NULL,
    receipt_at          timestamptz NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX message_deliveries_by_alert ON message_deliveries (alert_id, delivery_id);
CREATE INDEX message_deliveries_by_provider_id ON message_deliveries (channel, provider_message_id) WHERE provider_message_id IS NOT NULL;

CREATE TRIGGER message_deliveries_never_deleted BEFORE DELETE OR TRUNCATE ON message_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
