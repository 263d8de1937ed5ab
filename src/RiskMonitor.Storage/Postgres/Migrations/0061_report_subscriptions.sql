-- Scheduled reports by e-mail (issue 20 item 6, docs/decisions/0056-scheduled-reports-by-e-mail.md): who receives which
-- circular, for which regions. Versioned and retired, never deleted (a subscription's id names its deliveries in
-- record_messages); every change is a line in registry_changes (entity 'report_subscription'), as for organisations.

CREATE TABLE report_subscriptions
(
    subscription_id text PRIMARY KEY,
    version         integer NOT NULL,
    retired         boolean NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL,
    updated_by      text NOT NULL,
    body            jsonb NOT NULL
);

CREATE TRIGGER report_subscriptions_never_deleted BEFORE DELETE OR TRUNCATE ON report_subscriptions
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
