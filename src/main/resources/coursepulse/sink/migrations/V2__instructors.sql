-- V2: what the instructors' pages need (coursepulse web): the roster with names from 01-Enrollment,
-- daily activity per student and course from 02-Login/03-Activity (aggregated, not every event),
-- assignments and submissions, accounts, the append-only triage log and the email outbox.
-- Never edit after release: add V3.

-- Optional fields of newer 04-Alerts records (risk score, plain-language factors).
ALTER TABLE alerts ADD COLUMN score numeric(5, 4);
ALTER TABLE alerts ADD COLUMN factors jsonb;
-- Course pages read every alert of a course or of its students, open or not.
CREATE INDEX alerts_by_course ON alerts (course_id, opened_at DESC);
CREATE INDEX alerts_by_student ON alerts (student_id, opened_at DESC);

-- One row per enrolment; names and emails are personal data: shown only to the course's
-- instructors, removed by 'coursepulse privacy erase'.
CREATE TABLE roster (
  student_id   text NOT NULL,
  course_id    text NOT NULL,
  role         text NOT NULL,
  name         text,
  email        text,
  enrolled_at  timestamptz NOT NULL,
  course_start timestamptz,
  course_end   timestamptz,
  dropped_at   timestamptz,
  PRIMARY KEY (course_id, student_id)
);
CREATE INDEX roster_by_student ON roster (student_id);

-- Activity per student, course and UTC day of event time: the weekly chart and "active again?".
CREATE TABLE daily_activity (
  student_id text NOT NULL,
  course_id  text NOT NULL,
  day        date NOT NULL,
  clicks     integer NOT NULL DEFAULT 0,
  submissions integer NOT NULL DEFAULT 0,
  PRIMARY KEY (course_id, student_id, day)
);
-- Logins carry no course: one row per student and day.
CREATE TABLE daily_logins (
  student_id text NOT NULL,
  day        date NOT NULL,
  logins     integer NOT NULL DEFAULT 0,
  PRIMARY KEY (student_id, day)
);

CREATE TABLE assignments (
  course_id     text NOT NULL,
  assignment_id text NOT NULL,
  due_at        timestamptz,
  kind          text,
  PRIMARY KEY (course_id, assignment_id)
);
CREATE TABLE submissions (
  course_id     text NOT NULL,
  student_id    text NOT NULL,
  assignment_id text NOT NULL,
  submitted_at  timestamptz NOT NULL,
  late          boolean NOT NULL,
  PRIMARY KEY (course_id, student_id, assignment_id)
);

-- Accounts: created by 'coursepulse users add' (with a password) or from teacher enrolments in
-- 01-Enrollment (without one: an admin sets it with 'users add' before the first login).
CREATE TABLE users (
  user_id         bigserial PRIMARY KEY,
  login           text NOT NULL UNIQUE,
  display_name    text,
  email           text,
  password_hash   text,                -- bcrypt; null: cannot log in yet
  role            text NOT NULL CHECK (role IN ('instructor', 'admin')),
  time_zone       text NOT NULL DEFAULT 'UTC',
  email_immediate boolean NOT NULL DEFAULT true,
  email_digest    boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE course_instructors (
  user_id   bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  course_id text NOT NULL,
  PRIMARY KEY (user_id, course_id)
);
CREATE INDEX course_instructors_by_course ON course_instructors (course_id);

-- Append-only audit log of what instructors did with alerts; the latest row per alert is its
-- triage state. 'as_of' is the event time the sink had reached then (for "active within 7 days").
CREATE TABLE triage_log (
  id           bigserial PRIMARY KEY,
  alert_id     text NOT NULL,
  course_id    text NOT NULL,
  student_id   text NOT NULL,
  rule         text NOT NULL,
  user_id      bigint NOT NULL REFERENCES users,
  at           timestamptz NOT NULL DEFAULT now(),
  as_of        timestamptz,
  action       text NOT NULL CHECK (action IN ('acknowledge', 'snooze', 'contact', 'dismiss')),
  snooze_until date,
  channel      text,
  note         text,
  reason       text
);
CREATE INDEX triage_by_alert ON triage_log (alert_id, id);
CREATE INDEX triage_by_course ON triage_log (course_id, id);

-- Append-only, enforced: only 'privacy erase' may blank notes, inside a transaction that sets
-- coursepulse.erase = 'on'.
CREATE FUNCTION triage_log_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('coursepulse.erase', true) = 'on' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'triage_log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER triage_log_append_only BEFORE UPDATE OR DELETE ON triage_log
  FOR EACH ROW EXECUTE FUNCTION triage_log_append_only();
