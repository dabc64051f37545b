-- V4: email to instructors (coursepulse notify). V3 belongs to another change; numbers only need
-- to increase. Never edit after release: add V5.

-- One row per (recipient, alert) and (recipient, digest day): the unique key is what makes
-- sending exactly once. Rows are inserted in the same transaction that advances
-- notify_positions, and carry the rendered message so a retry sends the same bytes.
CREATE TABLE email_outbox (
  id              bigserial PRIMARY KEY,
  user_id         bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('alert', 'digest')),
  ref             text NOT NULL,        -- alert_id, or the digest's local date (YYYY-MM-DD)
  -- pending -> sending -> sent | pending (transient failure) | failed;
  -- sending found at start-up -> unknown (never resent: the SMTP call may have succeeded);
  -- skipped: nothing to send (empty digest) or unsubscribed before sending.
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
  subject         text,
  body            text,                 -- personal data: erased with the recipient
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz,          -- when the SMTP call started (sending/sent/unknown)
  last_error      text,
  UNIQUE (user_id, kind, ref)
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX email_outbox_by_user_sent ON email_outbox (user_id, sent_at)
  WHERE sent_at IS NOT NULL;

-- How far the notifier has read the alerts table (alerts.last_offset, i.e. 04-Alerts offsets).
CREATE TABLE notify_positions (
  name        text PRIMARY KEY,
  last_offset bigint NOT NULL
);
