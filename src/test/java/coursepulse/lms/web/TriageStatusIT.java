package coursepulse.lms.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The course page reads an alert's status from {@code triage_status}, which the database keeps
 * from {@code triage_log} inserts: the latest entry of each alert in each course wins, the log
 * keeps every entry, and a student-level alert triaged in one course stays new in the other.
 */
@ExtendWith(PostgresExtension.class)
class TriageStatusIT {

  @Test
  void shouldShowTheLatestEntryPerCourseAndKeepTheWholeLog(PostgresDatabase database)
      throws Exception {
    try (HikariDataSource db =
        WebDatabase.open(database.jdbcUrl(), database.user(), database.password())) {
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO roster (student_id, course_id, role, name, enrolled_at) VALUES"
            + " ('s1', 'C1', 'student', 'Ada', '2026-09-01'),"
            + " ('s1', 'C2', 'student', 'Ada', '2026-09-01')");
        s.execute("INSERT INTO alerts (alert_id, student_id, course_id, rule, severity,"
            + " opened_at, evidence, rules_version, last_offset) VALUES"
            + " ('c1', 's1', 'C1', 'NO_SUBMISSIONS', 'high', '2026-10-01', '{}', 'd', 1),"
            + " ('l1', 's1', NULL, 'LOGIN_INACTIVE', 'medium', '2026-10-02', '{}', 'd', 2)");
        s.execute("INSERT INTO sink_positions (sink_name, stream, last_offset, max_event_time)"
            + " VALUES ('t', '04-Alerts', 2, '2026-10-20T00:00:00Z')");
      }
      Accounts accounts = new Accounts(db);
      long id = accounts.addOrUpdate("ann", "Ann", null, "ten chars long".toCharArray(), "instructor",
          "UTC", List.of("C1", "C2"));
      User ann = new User(id, "ann", "Ann", "instructor", "UTC");
      Triage triage = new Triage(db);
      CoursePages pages = new CoursePages(db);

      triage.record(ann, "C1", "c1", new Triage.Entry(Triage.Action.SNOOZE,
          LocalDate.parse("2026-10-25"), null, null, null));
      triage.record(ann, "C1", "l1", new Triage.Entry(Triage.Action.CONTACT, null, "phone",
          null, null));
      assertThat(statuses(pages, "C1", "all")).containsExactly("c1 snoozed", "l1 handled");
      assertThat(statuses(pages, "C2", "all")).containsExactly("l1 new");

      triage.record(ann, "C1", "c1", new Triage.Entry(Triage.Action.ACKNOWLEDGE, null, null,
          null, null));
      assertThat(statuses(pages, "C1", "open")).containsExactly("c1 acknowledged");
      assertThat(statuses(pages, "C1", "snoozed")).isEmpty();

      try (Connection c = db.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM triage_log")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
    }
  }

  private static List<String> statuses(CoursePages pages, String course, String status)
      throws Exception {
    return pages.export(course, new CoursePages.Filter(null, null, status, "since", 0)).stream()
        .map(a -> a.alertId() + " " + a.status()).toList();
  }
}
