-- The 24 h duty roster (DESIGN.md §6): shifts with the on-duty officer (值班员) and the leader on duty (带班领导).
-- Shifts do not overlap and last at most 24 h; a mistaken shift is cancelled (who, when), never deleted.

CREATE TABLE duty_shifts
(
    shift_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    officer       text NOT NULL,
    officer_phone text NULL,
    leader        text NOT NULL,
    leader_phone  text NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    cancelled_by  text NULL,
    cancelled_at  timestamptz NULL,
    CONSTRAINT duty_shifts_length CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'),
    CONSTRAINT duty_shifts_no_overlap EXCLUDE USING gist (tstzrange(starts_at, ends_at) WITH &&) WHERE (cancelled_at IS NULL)
);

CREATE TRIGGER duty_shifts_never_deleted BEFORE DELETE OR TRUNCATE ON duty_shifts
    FOR EACH STATEMENT EXECUTE FUNCTION rm_refuse_change();
