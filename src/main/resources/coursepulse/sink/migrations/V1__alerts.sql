-- V1: the alerts of 04-Alerts, one row per alert, and the sink's position in that stream.
-- Applied once by the sink (coursepulse.lms.sink.Migrations); never edit after release: add V2.

CREATE TABLE alerts (
  alert_id      text PRIMARY KEY,
  student_id    text NOT NULL,
  course_id     text,                 -- null for student-level rules
  rule          text NOT NULL,
  severity      text NOT NULL,        -- low | medium | high, as when the alert opened
  opened_at     timestamptz NOT NULL, -- event time the condition became true
  resolved_at   timestamptz,          -- null while open
  evidence      jsonb,                -- the opening's evidence; null until the opening is applied
  resolution    jsonb,                -- the resolution's evidence (reason, ...); null while open
  rules_version text NOT NULL,
  last_offset   bigint NOT NULL       -- offset in 04-Alerts of the latest record applied here
);

-- The dashboard's "open alerts" table filters by course; "per day" scans by day.
CREATE INDEX alerts_open_by_course ON alerts (course_id, opened_at) WHERE resolved_at IS NULL;
CREATE INDEX alerts_opened_at ON alerts (opened_at);
CREATE INDEX alerts_resolved_at ON alerts (resolved_at) WHERE resolved_at IS NOT NULL;

-- Written in the same transaction as the alert rows it covers: resuming from last_offset + 1
-- neither skips nor repeats a record, whatever the broker remembers.
CREATE TABLE sink_positions (
  sink_name      text NOT NULL,
  stream         text NOT NULL,
  last_offset    bigint NOT NULL,      -- -1 before the first record
  max_event_time timestamptz,          -- latest event time applied: the dashboard's "as of"
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sink_name, stream)
);
