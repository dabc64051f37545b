package coursepulse.lms.web;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The queries behind the pages, each answered in one or two statements. "Now" is the latest event
 * time the sink applied ({@code sink_positions.max_event_time}), not the wall clock, so simulated
 * and replayed terms read right. Student-level alerts (no course) show in every course that enrols
 * the student as a student while the alert was open ({@link #studentLevelAlertIn}).
 */
public final class CoursePages {

  /** Weeks in the course page's activity chart. */
  static final int WEEKS = 8;

  /** Statuses a course page filters by. */
  public static final List<String> STATUSES =
      List.of("open", "snoozed", "handled", "resolved", "all");

  /** Columns a course page sorts by. */
  public static final Set<String> SORTS = Set.of("severity", "name", "since", "rule");

  /** One course on "my courses". */
  public record CourseSummary(String courseId, int students, int high, int medium, int low,
      int lastWeek) {}

  /** One alert row of a course page; {@code chart} is null in the CSV export, which has none. */
  public record AlertView(String alertId, String studentId, String name, String rule,
      String ruleWords, String severity, BigDecimal score, String reasons, LocalDate since,
      String status, LocalDate snoozeUntil, String chart) {}

  /** Rows per course page: a page stays small on a phone and fast with 20,000 alerts. */
  public static final int PAGE_SIZE = 100;

  /** The last page a filter may ask for: its first row's number still fits an {@code int}. */
  static final int LAST_PAGE = Integer.MAX_VALUE / PAGE_SIZE - 1;

  /**
   * A course page's filter, order and page (from 0, at most {@link #LAST_PAGE}); nulls mean
   * "any".
   */
  public record Filter(String rule, String severity, String status, String sort, int page) {
    public Filter {
      page = Math.min(Math.max(0, page), LAST_PAGE);
      status = status == null || !STATUSES.contains(status) ? "open" : status;
      sort = sort == null || !SORTS.contains(sort) ? "severity" : sort;
      rule = rule == null || rule.isBlank() ? null : rule;
      severity = severity == null || severity.isBlank() ? null : severity;
    }
  }

  /** One audit-log line. */
  public record LogLine(Instant at, String who, String action, String detail, String studentId,
      String name, String rule) {}

  /** A course page. */
  public record CoursePage(String courseId, LocalDate asOf, Filter filter, List<AlertView> alerts,
      boolean more, List<String> rules, Map<String, Triage.Outcome> outcomes, List<LogLine> log) {}

  /** One alert on a student page, with its triage history. */
  public record AlertHistory(String alertId, String rule, String ruleWords, String severity,
      BigDecimal score, String reasons, String evidence, Instant openedAt, Instant resolvedAt,
      String status) {}

  /** A student page. */
  public record StudentPage(String courseId, String studentId, String name, LocalDate asOf,
      List<AlertHistory> alerts, String chart, int[] weekly, int onTime, int late, int missed,
      List<LogLine> log) {}

  private static final String STATUS =
      "CASE WHEN a.resolved_at IS NOT NULL THEN 'resolved'"
          + " WHEN t.action IN ('contact', 'dismiss') THEN 'handled'"
          + " WHEN t.action = 'snooze' AND t.snooze_until > ? THEN 'snoozed'"
          + " WHEN t.action = 'acknowledge' THEN 'acknowledged' ELSE 'new' END";

  /**
   * Roster row {@code r} enrols a student: a role naming one, as the alerting tracks them
   * ({@code RiskProcessor} ignores every other role). Teachers, teaching assistants and observers
   * are on the roster too.
   */
  private static String isStudent(String r) {
    return r + ".role ILIKE '%student%'";
  }

  /**
   * Whether student-level alert {@code a} (no course) shows in the course of roster row {@code
   * r}: the row enrols the alert's student as a student, and the alert was open during that
   * enrolment (opened before the student dropped and before the course ended; not resolved before
   * the enrolment). Elsewhere the person is a teaching assistant, an observer or gone, and that
   * course's instructors have no business with the alert.
   */
  static String studentLevelAlertIn(String a, String r) {
    return r + ".student_id = " + a + ".student_id AND " + isStudent(r)
        + " AND (" + r + ".dropped_at IS NULL OR " + a + ".opened_at < " + r + ".dropped_at)"
        + " AND (" + r + ".course_end IS NULL OR " + a + ".opened_at < " + r + ".course_end)"
        + " AND (" + a + ".resolved_at IS NULL OR " + a + ".resolved_at > " + r + ".enrolled_at)";
  }

  private static final String COURSE_ALERTS =
      "(SELECT * FROM alerts WHERE course_id = ? UNION ALL SELECT al.* FROM alerts al"
          + " JOIN roster r ON r.course_id = ? AND " + studentLevelAlertIn("al", "r")
          + " WHERE al.course_id IS NULL)";

  /** The statuses that count as open: {@code filter=open} on a course page, "My courses". */
  private static final String OPEN_STATUSES = "('new', 'acknowledged')";

  /** The alert's current triage state in the course (kept from triage_log by a trigger). */
  private static final String LATEST_TRIAGE =
      " LEFT JOIN triage_status t ON t.course_id = ? AND t.alert_id = a.alert_id";

  private static final String SEVERITY_RANK =
      "CASE a.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END";

  /**
   * Only open or only resolved alerts, as a condition on the alerts themselves so it reaches
   * both halves of the course's alerts (and the index of open alerts) before any join.
   */
  private static String resolvedCondition(String status) {
    return switch (status) {
      case "all" -> "";
      case "resolved" -> " AND a.resolved_at IS NOT NULL";
      default -> " AND a.resolved_at IS NULL";
    };
  }

  private final DataSource db;

  public CoursePages(DataSource db) {
    this.db = db;
  }

  /** The latest event time applied by the sink, or the wall clock before any. */
  public Instant asOf(Connection c) throws SQLException {
    try (PreparedStatement p =
            c.prepareStatement("SELECT max(max_event_time) FROM sink_positions");
        ResultSet rs = p.executeQuery()) {
      Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
      return t == null ? Instant.now() : t.toInstant();
    }
  }

  /** "My courses". */
  public List<CourseSummary> courses(List<String> courseIds) throws SQLException {
    List<CourseSummary> out = new ArrayList<>();
    try (Connection c = db.getConnection()) {
      Instant asOf = asOf(c);
      // Open as on the course page: neither snoozed nor handled (contacted or dismissed).
      String sql =
          "SELECT (SELECT count(*) FROM roster r WHERE r.course_id = ? AND r.dropped_at IS NULL"
              + " AND " + isStudent("r") + "),"
              + " count(*) FILTER (WHERE s.open AND s.severity = 'high'),"
              + " count(*) FILTER (WHERE s.open AND s.severity = 'medium'),"
              + " count(*) FILTER (WHERE s.open AND s.severity = 'low'),"
              + " count(*) FILTER (WHERE s.opened_at > ?)"
              + " FROM (SELECT a.severity, a.opened_at, " + STATUS + " IN " + OPEN_STATUSES
              + " AS open FROM " + COURSE_ALERTS + " a" + LATEST_TRIAGE + ") s";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        for (String course : courseIds) {
          p.setString(1, course);
          p.setTimestamp(2, Timestamp.from(asOf.minusSeconds(7 * 86400)));
          p.setDate(3, Date.valueOf(day(asOf)));
          p.setString(4, course);
          p.setString(5, course);
          p.setString(6, course);
          try (ResultSet rs = p.executeQuery()) {
            rs.next();
            out.add(new CourseSummary(course, rs.getInt(1), rs.getInt(2), rs.getInt(3),
                rs.getInt(4), rs.getInt(5)));
          }
        }
      }
    }
    return out;
  }

  /** A course page: its alerts under {@code filter}, rules, outcomes and the latest log. */
  public CoursePage course(String courseId, Filter filter, Triage triage) throws SQLException {
    try (Connection c = db.getConnection()) {
      LocalDate today = day(asOf(c));
      List<AlertView> rows = alerts(c, courseId, today, filter, PAGE_SIZE);
      boolean more = rows.size() > PAGE_SIZE;
      if (more) {
        rows.remove(rows.size() - 1);
      }
      rows = withCharts(c, courseId, today, rows);
      List<String> rules = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT DISTINCT rule FROM " + COURSE_ALERTS + " a ORDER BY 1")) {
        p.setString(1, courseId);
        p.setString(2, courseId);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            rules.add(rs.getString(1));
          }
        }
      }
      return new CoursePage(courseId, today, filter, rows, more, rules, triage.outcomes(courseId),
          log(c, courseId, null, 50));
    }
  }

  /**
   * Every alert {@code filter} selects (its page number ignored), in its order, for the CSV
   * export: without the charts, rules, outcomes and log only the page shows.
   */
  public List<AlertView> export(String courseId, Filter filter) throws SQLException {
    try (Connection c = db.getConnection()) {
      Filter all = new Filter(filter.rule(), filter.severity(), filter.status(), filter.sort(), 0);
      return alerts(c, courseId, day(asOf(c)), all, Integer.MAX_VALUE - 1);
    }
  }

  /**
   * Up to {@code limit} + 1 alerts (the extra one says there is a next page) of {@code filter}'s
   * page, without charts.
   */
  private static List<AlertView> alerts(Connection c, String courseId, LocalDate today,
      Filter filter, int limit) throws SQLException {
    // alert_id last: equal keys still come in one order, so pages neither repeat nor skip.
    String order = switch (filter.sort()) {
      case "name" -> "s.name NULLS LAST, s.student_id, s.rank DESC, s.alert_id";
      case "since" -> "s.opened_at, s.rank DESC, s.alert_id";
      case "rule" -> "s.rule, s.rank DESC, s.opened_at, s.alert_id";
      default -> "s.rank DESC, s.score DESC NULLS LAST, s.opened_at, s.alert_id";
    };
    String statusFilter = switch (filter.status()) {
      case "open" -> " AND s.status IN " + OPEN_STATUSES;
      case "all", "resolved" -> "";
      default -> " AND s.status = ?";
    };
    // Filtered and cut to the page in one sort (top-N); no window over every alert.
    String sql =
        "SELECT s.alert_id, s.student_id, s.name, s.rule, s.severity, s.score, s.factors,"
            + " s.evidence, s.opened_at, s.status, s.snooze_until FROM (SELECT a.alert_id,"
            + " a.student_id, r.name, a.rule, a.severity, a.score, a.factors::text AS factors,"
            + " a.evidence::text AS evidence, a.opened_at, " + STATUS + " AS status,"
            + " t.snooze_until, " + SEVERITY_RANK + " AS rank"
            + " FROM " + COURSE_ALERTS + " a" + LATEST_TRIAGE
            + " LEFT JOIN roster r ON r.course_id = ? AND r.student_id = a.student_id"
            + " WHERE (?::text IS NULL OR a.rule = ?) AND (?::text IS NULL OR a.severity = ?)"
            + resolvedCondition(filter.status()) + ") s WHERE true" + statusFilter
            + " ORDER BY " + order + " LIMIT ? OFFSET ?";
    List<AlertView> rows = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      int i = 1;
      p.setDate(i++, Date.valueOf(today));
      p.setString(i++, courseId);
      p.setString(i++, courseId);
      p.setString(i++, courseId);
      p.setString(i++, courseId);
      p.setString(i++, filter.rule());
      p.setString(i++, filter.rule());
      p.setString(i++, filter.severity());
      p.setString(i++, filter.severity());
      if (statusFilter.endsWith("?")) {
        p.setString(i++, filter.status());
      }
      p.setLong(i++, (long) limit + 1);
      p.setLong(i, (long) filter.page() * limit);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Date snooze = rs.getDate(11);
          rows.add(new AlertView(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), Reasons.rule(rs.getString(4)), rs.getString(5),
              rs.getBigDecimal(6), Reasons.of(rs.getString(7), rs.getString(8)),
              day(rs.getTimestamp(9).toInstant()), rs.getString(10),
              snooze == null ? null : snooze.toLocalDate(), null));
        }
      }
    }
    return rows;
  }

  /**
   * A student page, or null when the student has neither an enrolment nor an alert in the
   * course.
   */
  public StudentPage student(String courseId, String studentId) throws SQLException {
    try (Connection c = db.getConnection()) {
      LocalDate today = day(asOf(c));
      String name = null;
      boolean enrolled = false;
      try (PreparedStatement p = c.prepareStatement(
          "SELECT name FROM roster WHERE course_id = ? AND student_id = ?")) {
        p.setString(1, courseId);
        p.setString(2, studentId);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            enrolled = true;
            name = rs.getString(1);
          }
        }
      }
      List<AlertHistory> alerts = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT a.alert_id, a.rule, a.severity, a.score, a.factors::text, a.evidence::text,"
              + " a.resolution::text, a.opened_at, a.resolved_at, " + STATUS + " FROM alerts a"
              + LATEST_TRIAGE + " WHERE a.student_id = ? AND (a.course_id = ? OR"
              + " (a.course_id IS NULL AND EXISTS (SELECT 1 FROM roster r WHERE r.course_id = ?"
              + " AND " + studentLevelAlertIn("a", "r") + "))) ORDER BY a.opened_at DESC")) {
        p.setDate(1, Date.valueOf(today));
        p.setString(2, courseId);
        p.setString(3, studentId);
        p.setString(4, courseId);
        p.setString(5, courseId);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            Timestamp resolved = rs.getTimestamp(9);
            String evidence = rs.getString(6);
            String resolution = rs.getString(7);
            alerts.add(new AlertHistory(rs.getString(1), rs.getString(2),
                Reasons.rule(rs.getString(2)), rs.getString(3), rs.getBigDecimal(4),
                Reasons.of(rs.getString(5), evidence), Reasons.of(null, evidence)
                    + (resolution == null ? "" : " — resolved: " + Reasons.of(null, resolution)),
                rs.getTimestamp(8).toInstant(), resolved == null ? null : resolved.toInstant(),
                rs.getString(10)));
          }
        }
      }
      if (!enrolled && alerts.isEmpty()) {
        return null;
      }
      int[] weeks = new int[12];
      try (PreparedStatement p = c.prepareStatement(
          "SELECT (?::date - day) / 7, sum(clicks + submissions) FROM daily_activity"
              + " WHERE course_id = ? AND student_id = ? AND day > ?::date - 84 AND day <= ?"
              + " GROUP BY 1")) {
        p.setDate(1, Date.valueOf(today));
        p.setString(2, courseId);
        p.setString(3, studentId);
        p.setDate(4, Date.valueOf(today));
        p.setDate(5, Date.valueOf(today));
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            weeks[weeks.length - 1 - rs.getInt(1)] = rs.getInt(2);
          }
        }
      }
      int onTime = 0;
      int late = 0;
      int missed = 0;
      try (PreparedStatement p = c.prepareStatement(
          "SELECT count(*) FILTER (WHERE s.late = false), count(*) FILTER (WHERE s.late),"
              + " count(*) FILTER (WHERE s.assignment_id IS NULL AND a.due_at < ?)"
              + " FROM assignments a LEFT JOIN submissions s ON s.course_id = a.course_id"
              + " AND s.assignment_id = a.assignment_id AND s.student_id = ?"
              + " WHERE a.course_id = ?")) {
        p.setTimestamp(1, Timestamp.from(today.plusDays(1).atStartOfDay(ZoneOffset.UTC)
            .toInstant()));
        p.setString(2, studentId);
        p.setString(3, courseId);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          onTime = rs.getInt(1);
          late = rs.getInt(2);
          missed = rs.getInt(3);
        }
      }
      return new StudentPage(courseId, studentId, name, today, alerts,
          Bars.svg(weeks, 240, 60, "activity per week, last 12 weeks"), weeks, onTime, late,
          missed, log(c, courseId, studentId, 100));
    }
  }

  /** {@code rows} with their students' activity charts over the last {@link #WEEKS} weeks. */
  private static List<AlertView> withCharts(Connection c, String courseId, LocalDate today,
      List<AlertView> rows) throws SQLException {
    Map<String, int[]> weekly = weekly(c, courseId, today, WEEKS,
        rows.stream().map(AlertView::studentId).distinct().toArray(String[]::new));
    List<AlertView> out = new ArrayList<>(rows.size());
    for (AlertView a : rows) {
      out.add(new AlertView(a.alertId(), a.studentId(), a.name(), a.rule(), a.ruleWords(),
          a.severity(), a.score(), a.reasons(), a.since(), a.status(), a.snoozeUntil(),
          Bars.svg(weekly.getOrDefault(a.studentId(), new int[WEEKS]), 64, 18,
              "activity per week, last " + WEEKS + " weeks")));
    }
    return out;
  }

  /**
   * Activity (clicks and submissions) of {@code students} over the {@code weeks} weeks up to
   * today; only the students on the page, not the whole course.
   */
  private static Map<String, int[]> weekly(Connection c, String courseId, LocalDate today,
      int weeks, String[] students) throws SQLException {
    Map<String, int[]> out = new HashMap<>();
    if (students.length == 0) {
      return out;
    }
    try (PreparedStatement p = c.prepareStatement(
        "SELECT student_id, (?::date - day) / 7, sum(clicks + submissions) FROM daily_activity"
            + " WHERE course_id = ? AND student_id = ANY (?) AND day > ?::date - ? AND day <= ?"
            + " GROUP BY 1, 2")) {
      p.setDate(1, Date.valueOf(today));
      p.setString(2, courseId);
      p.setArray(3, c.createArrayOf("text", students));
      p.setDate(4, Date.valueOf(today));
      p.setInt(5, weeks * 7);
      p.setDate(6, Date.valueOf(today));
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new int[weeks])[weeks - 1 - rs.getInt(2)] =
              rs.getInt(3);
        }
      }
    }
    return out;
  }

  private static List<LogLine> log(Connection c, String courseId, String studentId, int limit)
      throws SQLException {
    List<LogLine> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(
        "SELECT t.at, COALESCE(u.display_name, u.login), t.action, t.snooze_until, t.channel,"
            + " t.note, t.reason, t.student_id, r.name, t.rule FROM triage_log t"
            + " JOIN users u ON u.user_id = t.user_id"
            + " LEFT JOIN roster r ON r.course_id = t.course_id AND r.student_id = t.student_id"
            + " WHERE t.course_id = ? AND (?::text IS NULL OR t.student_id = ?)"
            + " ORDER BY t.id DESC LIMIT ?")) {
      p.setString(1, courseId);
      p.setString(2, studentId);
      p.setString(3, studentId);
      p.setInt(4, limit);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String action = rs.getString(3);
          Date until = rs.getDate(4);
          String detail = switch (action) {
            case "snooze" -> "until " + until;
            case "contact" -> "by " + rs.getString(5)
                + (rs.getString(6) == null ? "" : ": " + rs.getString(6));
            case "dismiss" -> "not useful: " + rs.getString(7);
            default -> "";
          };
          out.add(new LogLine(rs.getTimestamp(1).toInstant(), rs.getString(2), action, detail,
              rs.getString(8), rs.getString(9), rs.getString(10)));
        }
      }
    }
    return out;
  }

  static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }
}
