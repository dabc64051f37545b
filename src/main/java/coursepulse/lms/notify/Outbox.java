package coursepulse.lms.notify;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code email_outbox} table: what is to be sent, what was. Enqueueing reads the alerts past
 * the stored position and inserts their messages in the same transaction that moves the position,
 * so a crash either keeps both or neither; the unique key (user, kind, ref) turns any re-read into
 * a no-op.
 */
final class Outbox {
  private static final String POSITION = "email";
  /** Rows done with keep no text: student names stay in the outbox only until sent. */
  private static final String FORGET = ", subject = NULL, body = NULL";

  private final Emails emails;
  private final NotifySettings settings;

  Outbox(Emails emails, NotifySettings settings) {
    this.emails = emails;
    this.settings = settings;
  }

  /** A row claimed for sending. */
  record Claimed(long id, long userId, String kind, String email, String subject, String body) {}

  /** Enqueues immediate alerts past the position and digests due at {@code now}. */
  int enqueue(Connection c, Instant now) throws SQLException {
    c.setAutoCommit(false);
    // One snapshot for the position, the alerts and their maximum offset: an alert committed
    // by the sink meanwhile is either in all three or in none.
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      int count = enqueueAlerts(c, now) + enqueueDigests(c, now);
      c.commit();
      return count;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      c.setAutoCommit(true);
    }
  }

  private int enqueueAlerts(Connection c, Instant now) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO notify_positions VALUES ('" + POSITION + "', -1)"
          + " ON CONFLICT DO NOTHING");
    }
    long position;
    try (PreparedStatement p = c.prepareStatement(
        "SELECT last_offset FROM notify_positions WHERE name = ? FOR UPDATE")) {
      p.setString(1, POSITION);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        position = rs.getLong(1);
      }
    }
    long newest = position;
    int count = 0;
    try (PreparedStatement p = c.prepareStatement(
        "SELECT a.alert_id, a.course_id, a.student_id, r.name, a.rule, a.severity, a.opened_at,"
            + " a.last_offset, u.user_id, u.time_zone, u.email_immediate AND u.email IS NOT NULL,"
            + " t.action, t.snooze_until, a.resolved_at IS NULL"
            + " FROM alerts a"
            + " LEFT JOIN course_instructors ci ON ci.course_id = a.course_id"
            + " LEFT JOIN users u ON u.user_id = ci.user_id"
            + " LEFT JOIN roster r ON r.course_id = a.course_id AND r.student_id = a.student_id"
            + " LEFT JOIN LATERAL (SELECT action, snooze_until FROM triage_log tl"
            + "   WHERE tl.alert_id = a.alert_id ORDER BY id DESC LIMIT 1) t ON true"
            + " WHERE a.last_offset > ? ORDER BY a.last_offset")) {
      p.setLong(1, position);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          newest = Math.max(newest, rs.getLong(8));
          long userId = rs.getLong(9);
          if (rs.wasNull() || !rs.getBoolean(11) || !"high".equals(rs.getString(6))
              || !rs.getBoolean(14)) {
            continue;
          }
          ZoneId zone = zone(rs.getString(10));
          Date until = rs.getDate(13);
          if ("snooze".equals(rs.getString(12)) && until != null
              && until.toLocalDate().isAfter(LocalDate.ofInstant(now, zone))) {
            continue; // snoozed: the digest of the snooze date brings it back
          }
          Emails.Item item = item(rs);
          Emails.Text text = emails.immediate(userId, zone, item);
          count += insert(c, userId, "alert", item.alertId(), text, now, "pending");
        }
      }
    }
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE notify_positions SET last_offset = ? WHERE name = ?")) {
      p.setLong(1, newest);
      p.setString(2, POSITION);
      p.executeUpdate();
    }
    return count;
  }

  private int enqueueDigests(Connection c, Instant now) throws SQLException {
    record Recipient(long id, ZoneId zone) {}
    List<Recipient> due = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT user_id, time_zone FROM users WHERE email_digest AND email IS NOT NULL"
                + " AND EXISTS (SELECT 1 FROM course_instructors ci"
                + "   WHERE ci.user_id = users.user_id) ORDER BY user_id")) {
      while (rs.next()) {
        due.add(new Recipient(rs.getLong(1), zone(rs.getString(2))));
      }
    }
    int count = 0;
    for (Recipient r : due) {
      ZonedDateTime local = now.atZone(r.zone());
      if (local.toLocalTime().isBefore(settings.digestAt())) {
        continue;
      }
      LocalDate day = local.toLocalDate();
      if (exists(c, r.id(), "digest", day.toString())) {
        continue;
      }
      Instant from = day.minusDays(1).atStartOfDay(r.zone()).toInstant();
      Instant to = day.atStartOfDay(r.zone()).toInstant();
      Window w = new Window(from, to, day);
      List<Emails.Item> opened = items(c, r.id(), w,
          "a.opened_at >= w.f AND a.opened_at < w.t"
              + " AND NOT (t.action IS NOT DISTINCT FROM 'snooze' AND t.snooze_until > w.d)",
          "a.opened_at");
      List<Emails.Item> resolved = items(c, r.id(), w,
          "a.resolved_at >= w.f AND a.resolved_at < w.t", "a.resolved_at");
      List<Emails.Item> snoozed = items(c, r.id(), w,
          "a.resolved_at IS NULL AND t.action = 'snooze' AND t.snooze_until = w.d",
          "a.opened_at");
      boolean empty = opened.isEmpty() && resolved.isEmpty() && snoozed.isEmpty();
      Emails.Text text = emails.digest(r.id(), r.zone(), day, opened, resolved, snoozed);
      count += insert(c, r.id(), "digest", day.toString(), text, now,
          empty ? "skipped" : "pending");
    }
    return count;
  }

  /** A digest's period [f, t) and local day d, as the queries see it (table {@code w}). */
  private record Window(Instant from, Instant to, LocalDate day) {}

  /** Alerts of the recipient's courses matching {@code where}, ordered by {@code time}. */
  private static List<Emails.Item> items(
      Connection c, long userId, Window w, String where, String time) throws SQLException {
    List<Emails.Item> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(
        "WITH w (f, t, d) AS (SELECT ?::timestamptz, ?::timestamptz, ?::date)"
            + " SELECT a.alert_id, a.course_id, a.student_id, r.name, a.rule, a.severity, " + time
            + " FROM w, alerts a JOIN course_instructors ci ON ci.course_id = a.course_id"
            + " LEFT JOIN roster r ON r.course_id = a.course_id AND r.student_id = a.student_id"
            + " LEFT JOIN LATERAL (SELECT action, snooze_until FROM triage_log tl"
            + "   WHERE tl.alert_id = a.alert_id ORDER BY id DESC LIMIT 1) t ON true"
            + " WHERE ci.user_id = ? AND " + where
            + " ORDER BY a.course_id, " + time + ", a.alert_id")) {
      p.setTimestamp(1, Timestamp.from(w.from()));
      p.setTimestamp(2, Timestamp.from(w.to()));
      p.setDate(3, Date.valueOf(w.day()));
      p.setLong(4, userId);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(item(rs));
        }
      }
    }
    return out;
  }

  private static Emails.Item item(ResultSet rs) throws SQLException {
    return new Emails.Item(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant());
  }

  private static boolean exists(Connection c, long userId, String kind, String ref)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT 1 FROM email_outbox WHERE user_id = ? AND kind = ? AND ref = ?")) {
      p.setLong(1, userId);
      p.setString(2, kind);
      p.setString(3, ref);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int insert(Connection c, long userId, String kind, String ref, Emails.Text text,
      Instant now, String status) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO email_outbox (user_id, kind, ref, status, subject, body, next_attempt_at,"
            + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      p.setLong(1, userId);
      p.setString(2, kind);
      p.setString(3, ref);
      p.setString(4, status);
      boolean keep = "pending".equals(status);
      p.setString(5, keep ? text.subject() : null);
      p.setString(6, keep ? text.body() : null);
      p.setTimestamp(7, Timestamp.from(now));
      p.setTimestamp(8, Timestamp.from(now));
      int inserted = p.executeUpdate();
      return "pending".equals(status) ? inserted : 0;
    }
  }

  /** Rows left 'sending' by a process that died: the SMTP call may have succeeded. */
  static int markUnknown(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate("UPDATE email_outbox SET status = 'unknown'" + FORGET
          + " WHERE status = 'sending'");
    }
  }

  /**
   * Claims the next due row: marks it 'sending' and commits before any SMTP call, so no later run
   * can send it again. Rows over the recipient's hourly limit are postponed instead; rows of
   * recipients who unsubscribed meanwhile become 'skipped'.
   *
   * @return null when nothing is due
   */
  Claimed claim(Connection c, Instant now, Runnable onDeferred) throws SQLException {
    while (true) {
      long id;
      long userId;
      String kind;
      String email;
      boolean wanted;
      try (PreparedStatement p = c.prepareStatement(
          "SELECT o.id, o.user_id, o.kind, u.email,"
              + " CASE o.kind WHEN 'alert' THEN u.email_immediate ELSE u.email_digest END"
              + " FROM email_outbox o JOIN users u ON u.user_id = o.user_id"
              + " WHERE o.status = 'pending' AND o.next_attempt_at <= ?"
              + " ORDER BY o.next_attempt_at, o.id LIMIT 1")) {
        p.setTimestamp(1, Timestamp.from(now));
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          id = rs.getLong(1);
          userId = rs.getLong(2);
          kind = rs.getString(3);
          email = rs.getString(4);
          wanted = rs.getBoolean(5) && email != null;
        }
      }
      if (!wanted) {
        update(c, "UPDATE email_outbox SET status = 'skipped'" + FORGET
            + " WHERE id = ? AND status = 'pending'", id);
        continue;
      }
      Instant oldest = rateLimited(c, userId, now);
      if (oldest != null) {
        try (PreparedStatement p = c.prepareStatement(
            "UPDATE email_outbox SET next_attempt_at = ? WHERE id = ?")) {
          p.setTimestamp(1, Timestamp.from(oldest.plusSeconds(3600)));
          p.setLong(2, id);
          p.executeUpdate();
        }
        onDeferred.run();
        continue;
      }
      String subject;
      String body;
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE email_outbox SET status = 'sending', sent_at = ?, attempts = attempts + 1"
              + " WHERE id = ? AND status = 'pending' RETURNING subject, body")) {
        p.setTimestamp(1, Timestamp.from(now));
        p.setLong(2, id);
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            continue; // another notifier claimed it first
          }
          subject = rs.getString(1);
          body = rs.getString(2);
        }
      }
      return new Claimed(id, userId, kind, email, subject, body);
    }
  }

  /** When the recipient has reached the hourly limit: the start of their oldest send in it. */
  private Instant rateLimited(Connection c, long userId, Instant now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT count(*), min(sent_at) FROM email_outbox WHERE user_id = ? AND sent_at > ?"
            + " AND status IN ('sending', 'sent', 'unknown')")) {
      p.setLong(1, userId);
      p.setTimestamp(2, Timestamp.from(now.minusSeconds(3600)));
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getInt(1) >= settings.perHour() ? rs.getTimestamp(2).toInstant() : null;
      }
    }
  }

  static void sent(Connection c, long id) throws SQLException {
    update(c, "UPDATE email_outbox SET status = 'sent', last_error = NULL" + FORGET
        + " WHERE id = ?", id);
  }

  /** After a failed SMTP call: back to pending after {@code retryAt}, or failed when null. */
  static void failed(Connection c, long id, String error, Instant retryAt) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE email_outbox SET status = ?, last_error = ?, sent_at = NULL,"
            + " next_attempt_at = coalesce(?, next_attempt_at),"
            + " subject = CASE WHEN ? THEN subject END, body = CASE WHEN ? THEN body END"
            + " WHERE id = ?")) {
      p.setString(1, retryAt == null ? "failed" : "pending");
      p.setString(2, error);
      p.setTimestamp(3, retryAt == null ? null : Timestamp.from(retryAt));
      p.setBoolean(4, retryAt != null);
      p.setBoolean(5, retryAt != null);
      p.setLong(6, id);
      p.executeUpdate();
    }
  }

  private static void update(Connection c, String sql, long id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, id);
      p.executeUpdate();
    }
  }

  static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (RuntimeException e) {
      return ZoneId.of("UTC"); // a bad zone in the account must not stop everyone's mail
    }
  }
}
