package coursepulse.lms.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Rows the sink and the web pages would write, and a GreenMail server on a free port. */
final class NotifyFixtures {
  static final String SECRET = "test-secret-0123456789abcdef";
  static final String FROM = "coursepulse@example.edu";

  private NotifyFixtures() {}

  static GreenMail smtpServer() {
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    return mail;
  }

  static Smtp smtp(GreenMail mail) {
    return new Smtp("127.0.0.1", mail.getSmtp().getPort(), Smtp.Security.NONE, null, null, FROM);
  }

  static long instructor(Connection c, String login, String email, String zone, String course,
      boolean immediate, boolean digest) throws SQLException {
    long id;
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO users (login, display_name, email, role, time_zone, email_immediate,"
            + " email_digest) VALUES (?, ?, ?, 'instructor', ?, ?, ?) RETURNING user_id")) {
      p.setString(1, login);
      p.setString(2, login);
      p.setString(3, email);
      p.setString(4, zone);
      p.setBoolean(5, immediate);
      p.setBoolean(6, digest);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    }
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO course_instructors (user_id, course_id) VALUES (?, ?)")) {
      p.setLong(1, id);
      p.setString(2, course);
      p.executeUpdate();
    }
    return id;
  }

  static void student(Connection c, String course, String student, String name)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO roster (student_id, course_id, role, name, enrolled_at)"
            + " VALUES (?, ?, 'StudentEnrollment', ?, '2026-09-01T00:00:00Z')")) {
      p.setString(1, student);
      p.setString(2, course);
      p.setString(3, name);
      p.executeUpdate();
    }
  }

  static void alert(Connection c, String id, String course, String student, String severity,
      String opened, String resolved, long offset) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO alerts (alert_id, student_id, course_id, rule, severity, opened_at,"
            + " resolved_at, rules_version, last_offset) VALUES (?, ?, ?, 'no-login-7d', ?, ?, ?,"
            + " 'v1', ?)")) {
      p.setString(1, id);
      p.setString(2, student);
      p.setString(3, course);
      p.setString(4, severity);
      p.setTimestamp(5, Timestamp.from(Instant.parse(opened)));
      p.setTimestamp(6, resolved == null ? null : Timestamp.from(Instant.parse(resolved)));
      p.setLong(7, offset);
      p.executeUpdate();
    }
  }

  static void snooze(Connection c, String alert, String course, String student, long user,
      LocalDate until) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO triage_log (alert_id, course_id, student_id, rule, user_id, action,"
            + " snooze_until) VALUES (?, ?, ?, 'no-login-7d', ?, 'snooze', ?)")) {
      p.setString(1, alert);
      p.setString(2, course);
      p.setString(3, student);
      p.setLong(4, user);
      p.setDate(5, Date.valueOf(until));
      p.executeUpdate();
    }
  }

  /** Each received message as "to|subject|body" with the body decoded. */
  static List<String> received(GreenMail mail) throws Exception {
    List<String> out = new ArrayList<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      out.add(m.getAllRecipients()[0] + "|" + m.getSubject() + "|" + m.getContent());
    }
    return out;
  }
}
