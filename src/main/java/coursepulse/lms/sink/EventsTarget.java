package coursepulse.lms.sink;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.LoggedOut;
import coursepulse.lms.event.MalformedEventException;
import coursepulse.lms.event.SubmissionCreated;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LMS events into what the instructors' pages read: the roster (names, roles, course dates) and
 * teacher accounts from enrolments, daily activity counts from logins and activity (summed per
 * day in memory first, so a batch is one upsert per student, course and day, not per event),
 * assignments and first submissions.
 */
final class EventsTarget implements SinkTarget<LmsEvent> {

  private final String stream;

  EventsTarget(String stream) {
    this.stream = stream;
  }

  @Override
  public LmsEvent decode(byte[] body) {
    try {
      return EventCodec.decode(body);
    } catch (MalformedEventException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public Instant eventTime(LmsEvent record) {
    return record.occurredAt();
  }

  @Override
  public String describe(LmsEvent record) {
    return record.type() + " " + record.eventId() + " student " + record.key() + " in " + stream;
  }

  /** Whether an enrolment role makes its user an instructor of the course (Canvas and Moodle). */
  static boolean teaches(String role) {
    String r = role == null ? "" : role.toLowerCase(Locale.ROOT);
    return r.contains("teacher") || r.contains("instructor") || r.equals("ta")
        || r.contains("taenrollment");
  }

  private record Day(String studentId, String courseId, LocalDate day) {}

  @Override
  public void write(Connection c, List<Map.Entry<Long, LmsEvent>> batch) throws SQLException {
    Map<Day, int[]> activity = new LinkedHashMap<>();
    Map<Day, int[]> logins = new LinkedHashMap<>();
    try (PreparedStatement roster = c.prepareStatement(
            "INSERT INTO roster (student_id, course_id, role, name, email, enrolled_at,"
                + " course_start, course_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (course_id, student_id) DO UPDATE SET role = EXCLUDED.role,"
                + " name = EXCLUDED.name, email = EXCLUDED.email,"
                + " course_start = EXCLUDED.course_start, course_end = EXCLUDED.course_end,"
                + " dropped_at = NULL");
        PreparedStatement teacher = c.prepareStatement(
            "INSERT INTO users (login, display_name, email, role) VALUES (?, ?, ?, 'instructor')"
                + " ON CONFLICT (login) DO NOTHING");
        PreparedStatement teaches = c.prepareStatement(
            "INSERT INTO course_instructors (user_id, course_id)"
                + " SELECT user_id, ? FROM users WHERE login = ? ON CONFLICT DO NOTHING");
        PreparedStatement dropped = c.prepareStatement(
            "UPDATE roster SET dropped_at = ? WHERE course_id = ? AND student_id = ?");
        PreparedStatement stopsTeaching = c.prepareStatement(
            "DELETE FROM course_instructors WHERE course_id = ?"
                + " AND user_id IN (SELECT user_id FROM users WHERE login = ?)");
        PreparedStatement assignment = c.prepareStatement(
            "INSERT INTO assignments (course_id, assignment_id, due_at, kind) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (course_id, assignment_id) DO UPDATE SET due_at = EXCLUDED.due_at,"
                + " kind = EXCLUDED.kind");
        PreparedStatement submission = c.prepareStatement(
            "INSERT INTO submissions (course_id, student_id, assignment_id, submitted_at, late)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Map.Entry<Long, LmsEvent> e : batch) {
        LmsEvent event = e.getValue();
        if (event instanceof EnrollmentCreated en) {
          roster.setString(1, en.studentId());
          roster.setString(2, en.courseId());
          roster.setString(3, en.role() == null ? "student" : en.role());
          roster.setString(4, en.name());
          roster.setString(5, en.email());
          Sql.setInstant(roster, 6, en.occurredAt());
          Sql.setInstant(roster, 7, en.courseStart());
          Sql.setInstant(roster, 8, en.courseEnd());
          roster.addBatch();
          if (teaches(en.role())) {
            // Executed in order: the account must exist before its course link selects it.
            teacher.setString(1, en.studentId());
            teacher.setString(2, en.name());
            teacher.setString(3, en.email());
            teacher.executeUpdate();
            teaches.setString(1, en.courseId());
            teaches.setString(2, en.studentId());
            teaches.executeUpdate();
          }
        } else if (event instanceof EnrollmentDropped d) {
          Sql.setInstant(dropped, 1, d.occurredAt());
          dropped.setString(2, d.courseId());
          dropped.setString(3, d.studentId());
          dropped.addBatch();
          // A teacher or TA dropped from the course is no longer one of its instructors: no more
          // mail naming its students, no more access to its pages. In order, like the insert.
          stopsTeaching.setString(1, d.courseId());
          stopsTeaching.setString(2, d.studentId());
          stopsTeaching.executeUpdate();
        } else if (event instanceof LoggedIn in) {
          logins.computeIfAbsent(day(in.studentId(), null, in.occurredAt()), k -> new int[1])[0]++;
        } else if (event instanceof AssetAccessed a) {
          activity.computeIfAbsent(day(a.studentId(), a.courseId(), a.occurredAt()),
              k -> new int[2])[0] += a.clickCount();
        } else if (event instanceof SubmissionCreated s) {
          activity.computeIfAbsent(day(s.studentId(), s.courseId(), s.occurredAt()),
              k -> new int[2])[1]++;
          submission.setString(1, s.courseId());
          submission.setString(2, s.studentId());
          submission.setString(3, s.assignmentId());
          Sql.setInstant(submission, 4, s.occurredAt());
          submission.setBoolean(5, s.late());
          submission.addBatch();
        } else if (event instanceof AssignmentCreated a) {
          assignment.setString(1, a.courseId());
          assignment.setString(2, a.assignmentId());
          Sql.setInstant(assignment, 3, a.dueAt());
          assignment.setString(4, a.kind());
          assignment.addBatch();
        } else if (event instanceof LoggedOut) {
          continue; // logins already say the student was there that day
        }
      }
      // Enrolments first: a drop in the same batch must find its row.
      roster.executeBatch();
      dropped.executeBatch();
      assignment.executeBatch();
      submission.executeBatch();
    }
    if (!activity.isEmpty()) {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO daily_activity AS d (student_id, course_id, day, clicks, submissions)"
              + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (course_id, student_id, day) DO UPDATE SET"
              + " clicks = d.clicks + EXCLUDED.clicks,"
              + " submissions = d.submissions + EXCLUDED.submissions")) {
        for (Map.Entry<Day, int[]> e : activity.entrySet()) {
          p.setString(1, e.getKey().studentId());
          p.setString(2, e.getKey().courseId());
          p.setDate(3, Date.valueOf(e.getKey().day()));
          p.setInt(4, e.getValue()[0]);
          p.setInt(5, e.getValue()[1]);
          p.addBatch();
        }
        p.executeBatch();
      }
    }
    if (!logins.isEmpty()) {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO daily_logins AS d (student_id, day, logins) VALUES (?, ?, ?)"
              + " ON CONFLICT (student_id, day) DO UPDATE SET logins = d.logins + EXCLUDED.logins")) {
        for (Map.Entry<Day, int[]> e : logins.entrySet()) {
          p.setString(1, e.getKey().studentId());
          p.setDate(2, Date.valueOf(e.getKey().day()));
          p.setInt(3, e.getValue()[0]);
          p.addBatch();
        }
        p.executeBatch();
      }
    }
  }

  private static Day day(String studentId, String courseId, Instant t) {
    return new Day(studentId, courseId, LocalDate.ofInstant(t, ZoneOffset.UTC));
  }
}
