package coursepulse.lms.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who counts as a course's student on the pages, and where a student-level alert (no course)
 * shows: only in courses that enrol its student as a student while it was open. A teaching
 * assistant of one course who studies in another, an observer, a student who dropped: none of
 * them brings the alert (or a count) into a course whose instructors have no business with it.
 * And "My courses" counts open alerts as the course page's "open" filter lists them.
 */
@ExtendWith(PostgresExtension.class)
class CourseScopeIT {

  @Test
  void shouldShowStudentLevelAlertsOnlyWhereTheirStudentIsEnrolledAsAStudent(
      PostgresDatabase database) throws Exception {
    try (HikariDataSource db =
        WebDatabase.open(database.jdbcUrl(), database.user(), database.password())) {
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO roster (student_id, course_id, role, name, enrolled_at,"
            + " course_end, dropped_at) VALUES"
            + " ('s1', 'C1', 'student', 'Ada', '2026-09-01', '2026-12-18', NULL),"
            + " ('ta1', 'C1', 'ta', 'Tom', '2026-09-01', '2026-12-18', NULL),"
            + " ('obs', 'C1', 'ObserverEnrollment', 'Olga', '2026-09-01', '2026-12-18', NULL),"
            + " ('d1', 'C1', 'StudentEnrollment', 'Dora', '2026-09-01', '2026-12-18',"
            + "  '2026-10-05'),"
            + " ('ta1', 'C2', 'student', 'Tom', '2026-09-01', '2026-12-18', NULL)");
        s.execute("INSERT INTO alerts (alert_id, student_id, course_id, rule, severity,"
            + " opened_at, resolved_at, evidence, rules_version, last_offset) VALUES"
            + " ('c1', 's1', 'C1', 'NO_SUBMISSIONS', 'high', '2026-10-01', NULL, '{}', 'd', 1),"
            + " ('c2', 's1', 'C1', 'MISSED_DEADLINES', 'medium', '2026-10-03', NULL, '{}', 'd', 2),"
            + " ('l-ta', 'ta1', NULL, 'LOGIN_INACTIVE', 'medium', '2026-10-02', NULL, '{}', 'd', 3),"
            + " ('l-d-before', 'd1', NULL, 'LOGIN_INACTIVE', 'medium', '2026-10-04', NULL, '{}',"
            + "  'd', 4),"
            + " ('l-d-after', 'd1', NULL, 'ACTIVITY_DROP', 'low', '2026-10-10', NULL, '{}', 'd', 5),"
            + " ('l-s1-old', 's1', NULL, 'LOGIN_INACTIVE', 'low', '2026-08-01', '2026-08-20',"
            + "  '{}', 'd', 6)");
        s.execute("INSERT INTO sink_positions (sink_name, stream, last_offset, max_event_time)"
            + " VALUES ('t', '04-Alerts', 6, '2026-10-20T00:00:00Z')");
      }
      Accounts accounts = new Accounts(db);
      long id = accounts.addOrUpdate("ann", "Ann", null, "ten chars long".toCharArray(),
          "instructor", "UTC", List.of("C1", "C2"));
      User ann = new User(id, "ann", "Ann", "instructor", "UTC");
      Triage triage = new Triage(db);
      CoursePages pages = new CoursePages(db);

      // Students: s1 only in C1 (not the assistant, the observer or the student who dropped);
      // the assistant of C1 is C2's student.
      assertThat(pages.courses(List.of("C1", "C2")))
          .extracting(CoursePages.CourseSummary::courseId, CoursePages.CourseSummary::students)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("C1", 1),
              org.assertj.core.groups.Tuple.tuple("C2", 1));
      // The dropped student's alert from before the drop stays in C1's history; the one opened
      // after it, the assistant's, and one resolved before s1 enrolled do not show there.
      assertThat(ids(pages, "C1", "all")).containsExactly("c1", "c2", "l-d-before");
      assertThat(ids(pages, "C2", "all")).containsExactly("l-ta");
      assertThatThrownBy(() -> triage.record(ann, "C1", "l-ta",
          new Triage.Entry(Triage.Action.ACKNOWLEDGE, null, null, null, null)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(pages.student("C1", "ta1").alerts()).isEmpty();
      assertThat(pages.student("C2", "ta1").alerts())
          .extracting(CoursePages.AlertHistory::alertId)
          .containsExactly("l-ta");

      // Open on "My courses" is open on the course page: a snoozed alert leaves both.
      triage.record(ann, "C1", "c2", new Triage.Entry(Triage.Action.SNOOZE,
          LocalDate.parse("2026-10-27"), null, null, null));
      CoursePages.CourseSummary c1 = pages.courses(List.of("C1")).get(0);
      assertThat(List.of(c1.high(), c1.medium(), c1.low())).containsExactly(1, 1, 0);
      assertThat(ids(pages, "C1", "open")).containsExactly("c1", "l-d-before");
    }
  }

  private static List<String> ids(CoursePages pages, String course, String status)
      throws Exception {
    return pages.export(course, new CoursePages.Filter(null, null, status, "since", 0)).stream()
        .map(CoursePages.AlertView::alertId).toList();
  }
}
