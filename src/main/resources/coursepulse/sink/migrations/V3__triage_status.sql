-- V3: each alert's current triage state in each course, so a course page joins one row per alert
-- instead of looking up the latest triage_log entry of each of its ~25,000 alerts per request.
-- triage_log stays the append-only record; this table is derived from it by a trigger in the
-- same transaction as every log row (whoever inserts it), and can be rebuilt from it at any time
-- with the INSERT below. Never edit after release: add V5 (V4 is taken).

CREATE TABLE triage_status (
  course_id    text NOT NULL,
  alert_id     text NOT NULL,
  log_id       bigint NOT NULL,   -- the triage_log entry this state comes from: the latest
  action       text NOT NULL,
  snooze_until date,
  PRIMARY KEY (course_id, alert_id)
);

INSERT INTO triage_status (course_id, alert_id, log_id, action, snooze_until)
  SELECT DISTINCT ON (course_id, alert_id) course_id, alert_id, id, action, snooze_until
  FROM triage_log ORDER BY course_id, alert_id, id DESC;

-- Keeps the entry with the highest id, as "latest" means in the log, even when two transactions
-- commit out of id order.
CREATE FUNCTION triage_status_follow() RETURNS trigger AS $$
BEGIN
  INSERT INTO triage_status (course_id, alert_id, log_id, action, snooze_until)
    VALUES (NEW.course_id, NEW.alert_id, NEW.id, NEW.action, NEW.snooze_until)
    ON CONFLICT (course_id, alert_id) DO UPDATE
      SET log_id = EXCLUDED.log_id, action = EXCLUDED.action,
          snooze_until = EXCLUDED.snooze_until
      WHERE triage_status.log_id < EXCLUDED.log_id;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER triage_status_follow AFTER INSERT ON triage_log
  FOR EACH ROW EXECUTE FUNCTION triage_status_follow();

-- The course page's rule filter list and rule filter read (course, rule) only.
CREATE INDEX alerts_by_course_rule ON alerts (course_id, rule);
