package coursepulse.lms.notify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The text of the messages: plain text, deterministic (same rows, same bytes). Student names are
 * included because every recipient is an instructor of the alert's course (the queries join
 * {@code course_instructors} on the alert's course).
 */
final class Emails {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

  private final NotifySettings settings;
  private final UnsubscribeToken tokens;

  Emails(NotifySettings settings, UnsubscribeToken tokens) {
    this.settings = settings;
    this.tokens = tokens;
  }

  /** One alert as a recipient sees it. */
  record Item(
      String alertId,
      String courseId,
      String studentId,
      String name,
      String rule,
      String severity,
      Instant at) {}

  record Text(String subject, String body) {}

  Text immediate(long userId, ZoneId zone, Item a) {
    String subject =
        "[coursepulse] " + a.courseId() + ": high-severity alert (" + a.rule() + ") for "
            + who(a);
    StringBuilder b = new StringBuilder();
    b.append("A high-severity alert opened in ").append(a.courseId()).append(".\n\n");
    b.append("Student: ").append(who(a)).append('\n');
    b.append("Rule:    ").append(a.rule()).append('\n');
    b.append("Since:   ").append(WHEN.format(a.at().atZone(zone))).append("\n\n");
    b.append("Open the course page: ").append(studentUrl(a)).append("\n\n");
    footer(b, userId, "alert", "immediate alert emails");
    return new Text(subject, b.toString());
  }

  Text digest(
      long userId,
      ZoneId zone,
      LocalDate day,
      List<Item> opened,
      List<Item> resolved,
      List<Item> snoozedUntilToday) {
    String subject =
        "[coursepulse] Digest " + day + ": " + opened.size() + " new, " + resolved.size()
            + " resolved, " + snoozedUntilToday.size() + " snooze ending";
    StringBuilder b = new StringBuilder();
    b.append("Your coursepulse digest for ").append(day).append(" (").append(zone).append(")\n");
    section(b, "New since yesterday", opened, zone);
    section(b, "Resolved since yesterday", resolved, zone);
    section(b, "Snoozed until today (back on your list)", snoozedUntilToday, zone);
    b.append('\n');
    footer(b, userId, "digest", "the daily digest");
    return new Text(subject, b.toString());
  }

  String unsubscribeUrl(long userId, String kind) {
    return settings.unsubscribeUrl() + "?u=" + userId + "&k=" + kind + "&t="
        + tokens.sign(userId, kind);
  }

  private void section(StringBuilder b, String title, List<Item> items, ZoneId zone) {
    b.append('\n').append(title).append(" (").append(items.size()).append(")\n");
    for (Item a : items) {
      b.append("- ").append(a.courseId()).append(": ").append(who(a)).append(", ")
          .append(a.rule()).append(" (").append(a.severity()).append(", ")
          .append(WHEN.format(a.at().atZone(zone))).append(")\n  ").append(studentUrl(a))
          .append('\n');
    }
  }

  private void footer(StringBuilder b, long userId, String kind, String what) {
    b.append("--\nYou receive this as an instructor of the course. Stop ").append(what)
        .append(": ").append(unsubscribeUrl(userId, kind)).append('\n');
  }

  private String studentUrl(Item a) {
    return settings.baseUrl() + "/courses/" + enc(a.courseId()) + "/students/"
        + enc(a.studentId());
  }

  private static String who(Item a) {
    return a.name() == null || a.name().isBlank()
        ? "student " + a.studentId()
        : a.name() + " (" + a.studentId() + ")";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
