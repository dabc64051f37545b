package coursepulse.lms.web;

import static coursepulse.lms.web.WebFixtures.START;
import static coursepulse.lms.web.WebFixtures.enrol;
import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.sink.AlertSink;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A teacher's enrolment makes its user an instructor of the course (pages, mail); its drop, as
 * the real sink applies it, ends that: a dropped teaching assistant was still mailed the course's
 * students by name.
 */
@ExtendWith(PostgresExtension.class)
class TeacherDropIT {

  @Test
  void shouldStopMakingADroppedTeacherAnInstructorOfTheCourse(PostgresDatabase database)
      throws Exception {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      WebFixtures.publishEvents(log, List.of(
          enrol("t1", "C1", "TeacherEnrollment", "Terry Teacher"),
          enrol("t1", "C2", "TaEnrollment", "Terry Teacher"),
          enrol("s1", "C1", "student", "Ada Lovelace")));
      List<AlertSink> sinks = WebFixtures.startSinks(log, database);
      try {
        WebFixtures.awaitApplied(log, sinks);
        assertThat(coursesOf(database, "t1")).containsExactly("C1", "C2");

        List<LmsEvent> drop = new ArrayList<>();
        drop.add(new EnrollmentDropped("drop-t1-C1", 1, START.plus(Duration.ofDays(20)), "t1",
            "C1", "deleted"));
        WebFixtures.publishEvents(log, drop);
        WebFixtures.awaitApplied(log, sinks);
        assertThat(coursesOf(database, "t1")).containsExactly("C2");

        // Enrolled again: an instructor again.
        WebFixtures.publishEvents(log, List.of(enrol("t1", "C1", "TeacherEnrollment", "Terry Teacher")));
        WebFixtures.awaitApplied(log, sinks);
        assertThat(coursesOf(database, "t1")).containsExactly("C1", "C2");
      } finally {
        sinks.forEach(AlertSink::close);
      }
    }
  }

  private static List<String> coursesOf(PostgresDatabase db, String login) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT ci.course_id FROM course_instructors ci JOIN users u"
            + " ON u.user_id = ci.user_id WHERE u.login = '" + login + "' ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
