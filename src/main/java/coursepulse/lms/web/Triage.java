package coursepulse.lms.web;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * What instructors do with an alert, appended to {@code triage_log} (the table refuses updates
 * and deletes). The latest entry of an alert is its triage state; every entry stays visible to
 * every instructor of the course.
 */
public final class Triage {

  /** What an instructor did. */
  public enum Action {
    ACKNOWLEDGE,
    SNOOZE,
    CONTACT,
    DISMISS;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code code} (acknowledge, snooze, contact, dismiss). */
    public static Action parse(String code) {
      try {
        return valueOf(code.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("unknown action: " + code);
      }
    }
  }

  /** Ways an instructor reaches a student. */
  public static final Set<String> CHANNELS = Set.of("email", "phone", "message", "meeting");

  /**
   * One triage entry.
   *
   * @param snoozeUntil for SNOOZE, the first day the alert shows again
   * @param channel for CONTACT, one of {@link #CHANNELS}
   * @param note for CONTACT, free text (personal data: erased by 'privacy erase')
   * @param reason for DISMISS, why the alert was not useful
   */
  public record Entry(Action action, LocalDate snoozeUntil, String channel, String note,
      String reason) {

    /** Checks the fields the action needs; the message says what is missing. */
    public Entry {
      switch (action) {
        case SNOOZE -> {
          if (snoozeUntil == null) {
            throw new IllegalArgumentException("snooze needs a date");
          }
        }
        case CONTACT -> {
          if (channel == null || !CHANNELS.contains(channel)) {
            throw new IllegalArgumentException("contact needs a channel: " + CHANNELS);
          }
        }
        case DISMISS -> {
          if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("dismiss needs a reason");
          }
        }
        default -> { }
      }
      note = trim(note, 2000);
      reason = trim(reason, 500);
    }

    private static String trim(String s, int max) {
      if (s == null || s.isBlank()) {
        return null;
      }
      s = s.strip();
      return s.length() > max ? s.substring(0, max) : s;
    }
  }

  private final DataSource db;

  public Triage(DataSource db) {
    this.db = db;
  }

  /**
   * Appends {@code entry} for {@code alertId} as seen in {@code courseId}.
   *
   * @return the alert's rule, for counting
   * @throws IllegalArgumentException when the alert does not belong to the course (or its
   *     students, for student-level alerts)
   */
  public String record(User user, String courseId, String alertId, Entry entry)
      throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(
            "INSERT INTO triage_log (alert_id, course_id, student_id, rule, user_id, as_of,"
                + " action, snooze_until, channel, note, reason)"
                + " SELECT a.alert_id, ?, a.student_id, a.rule, ?,"
                + " (SELECT max(max_event_time) FROM sink_positions), ?, ?, ?, ?, ?"
                + " FROM alerts a WHERE a.alert_id = ? AND (a.course_id = ? OR"
                + " (a.course_id IS NULL AND EXISTS (SELECT 1 FROM roster r WHERE"
                + " r.course_id = ? AND " + CoursePages.studentLevelAlertIn("a", "r") + ")))"
                + " RETURNING rule")) {
      p.setString(1, courseId);
      p.setLong(2, user.userId());
      p.setString(3, entry.action().code());
      p.setDate(4, entry.snoozeUntil() == null ? null : Date.valueOf(entry.snoozeUntil()));
      p.setString(5, entry.channel());
      p.setString(6, entry.note());
      p.setString(7, entry.reason());
      p.setString(8, alertId);
      p.setString(9, courseId);
      p.setString(10, courseId);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("no such alert in this course");
        }
        return rs.getString(1);
      }
    }
  }

  /**
   * For every rule: students contacted, of them active again (any activity or login) within 7
   * days after the contact, and those whose 7 days are not over yet; over one course, or all
   * when {@code courseId} is null.
   */
  public Map<String, Outcome> outcomes(String courseId) throws SQLException {
    String sql =
        "WITH asof AS (SELECT COALESCE(max(max_event_time), now()) t FROM sink_positions),"
            + " c AS (SELECT DISTINCT ON (course_id, student_id, rule) course_id, student_id,"
            + " rule, COALESCE(as_of, at) t FROM triage_log WHERE action = 'contact'"
            + (courseId == null ? "" : " AND course_id = ?")
            + " ORDER BY course_id, student_id, rule, id)"
            + " SELECT rule, count(*),"
            + " count(*) FILTER (WHERE EXISTS (SELECT 1 FROM daily_activity d WHERE"
            + " d.course_id = c.course_id AND d.student_id = c.student_id AND d.day > c.t::date"
            + " AND d.day <= c.t::date + 7) OR EXISTS (SELECT 1 FROM daily_logins l WHERE"
            + " l.student_id = c.student_id AND l.day > c.t::date AND l.day <= c.t::date + 7)),"
            + " count(*) FILTER (WHERE c.t > (SELECT t FROM asof) - interval '7 days')"
            + " FROM c GROUP BY rule ORDER BY rule";
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      if (courseId != null) {
        p.setString(1, courseId);
      }
      Map<String, Outcome> out = new LinkedHashMap<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Outcome(rs.getInt(2), rs.getInt(3), rs.getInt(4)));
        }
      }
      return out;
    }
  }

  /**
   * Contacts and what followed, for one rule.
   *
   * @param cameBack active within 7 days after the contact
   * @param pending contacted less than 7 days ago (event time): may still come back
   */
  public record Outcome(int contacted, int cameBack, int pending) {}
}
