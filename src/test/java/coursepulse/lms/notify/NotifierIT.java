package coursepulse.lms.notify;

import static coursepulse.lms.notify.NotifyFixtures.alert;
import static coursepulse.lms.notify.NotifyFixtures.instructor;
import static coursepulse.lms.notify.NotifyFixtures.received;
import static coursepulse.lms.notify.NotifyFixtures.snooze;
import static coursepulse.lms.notify.NotifyFixtures.student;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.zaxxer.hikari.HikariDataSource;
import coursepulse.lms.web.WebDatabase;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The notifier against real PostgreSQL and a real SMTP server (GreenMail). */
@ExtendWith(PostgresExtension.class)
class NotifierIT {
  // 08:00 in Los Angeles (UTC-8 in December) on 2026-12-04: the digest is due from 07:00.
  private static final Instant NOW = Instant.parse("2026-12-04T16:00:00Z");

  private GreenMail mail;
  private HikariDataSource ds;
  private UnsubscribeServer unsubscribe;
  private SimpleMeterRegistry registry;
  private Notifier notifier;

  @BeforeEach
  void start(PostgresDatabase db) throws Exception {
    mail = NotifyFixtures.smtpServer();
    ds = WebDatabase.open(db.jdbcUrl(), db.user(), db.password());
    unsubscribe = UnsubscribeServer.start(ds, NotifyFixtures.SECRET, "127.0.0.1", 0);
    registry = new SimpleMeterRegistry();
    notifier = notifier(NOW);
  }

  private Notifier notifier(Instant now) {
    return notifier(now, 20, NotifyFixtures.smtp(mail));
  }

  private Notifier notifier(Instant now, int perHour, Smtp smtp) {
    NotifySettings settings = new NotifySettings("https://cp.example.edu/",
        "http://127.0.0.1:" + unsubscribe.port() + "/unsubscribe", LocalTime.of(7, 0), perHour,
        3, Duration.ofSeconds(30), Duration.ofSeconds(1));
    return new Notifier(ds, smtp, settings, NotifyFixtures.SECRET,
        Clock.fixed(now, ZoneOffset.UTC), registry);
  }

  @AfterEach
  void stop() {
    unsubscribe.close();
    ds.close();
    mail.stop();
  }

  @Test
  void shouldSendDigestOfNewResolvedAndSnoozedUntilTodayInInstructorsTimeZone() throws Exception {
    try (Connection c = ds.getConnection()) {
      long ann = instructor(c, "ann", "ann@example.edu", "America/Los_Angeles", "C1", false, true);
      instructor(c, "bob", "bob@example.edu", "UTC", "C2", false, false);
      student(c, "C1", "s1", "Ada Lovelace");
      student(c, "C2", "s9", "Zed Secret");
      // Local day before the digest: 2026-12-03 00:00 to 24:00 PST = 08:00Z on the 3rd to 08:00Z
      // on the 4th.
      alert(c, "new-1", "C1", "s1", "low", "2026-12-03T09:00:00Z", null, 1);
      alert(c, "too-early", "C1", "s2", "low", "2026-12-03T05:00:00Z", null, 2); // Dec 2 local
      alert(c, "res-1", "C1", "s3", "medium", "2026-11-20T00:00:00Z", "2026-12-04T07:30:00Z", 3);
      alert(c, "snz-today", "C1", "s4", "low", "2026-11-25T00:00:00Z", null, 4);
      alert(c, "snz-later", "C1", "s5", "low", "2026-12-03T10:00:00Z", null, 5);
      alert(c, "other-course", "C2", "s9", "low", "2026-12-03T09:00:00Z", null, 6);
      snooze(c, "snz-today", "C1", "s4", ann, LocalDate.of(2026, 12, 4));
      snooze(c, "snz-later", "C1", "s5", ann, LocalDate.of(2026, 12, 10));
    }

    notifier(Instant.parse("2026-12-04T14:59:00Z")).runOnce(); // 06:59 local: not yet
    assertThat(mail.getReceivedMessages()).isEmpty();
    notifier.runOnce();
    notifier.runOnce();

    List<String> got = received(mail);
    assertThat(got).hasSize(1);
    String digest = got.get(0);
    assertThat(digest).startsWith("ann@example.edu|[coursepulse] Digest 2026-12-04: 1 new,"
        + " 1 resolved, 1 snooze ending|");
    assertThat(section(digest, "New since yesterday"))
        .contains("Ada Lovelace (s1)", "2026-12-03 01:00 PST",
            "https://cp.example.edu/courses/C1/students/s1")
        .doesNotContain("s2", "s5");
    assertThat(section(digest, "Resolved since yesterday")).contains("student s3", "2026-12-03 23:30 PST");
    assertThat(section(digest, "Snoozed until today")).contains("student s4");
    assertThat(digest).doesNotContain("Zed Secret", "s9", "C2");
    assertThat(digest).contains("/unsubscribe?u=" + 1 + "&k=digest&t=");
  }

  @Test
  void shouldMailHighSeverityAlertAtOnceAndLowNot() throws Exception {
    try (Connection c = ds.getConnection()) {
      instructor(c, "ann", "ann@example.edu", "Europe/Berlin", "C1", true, false);
      instructor(c, "bob", "bob@example.edu", "UTC", "C2", true, false);
      student(c, "C1", "s1", "Ada Lovelace");
      alert(c, "high-1", "C1", "s1", "high", "2026-12-04T10:00:00Z", null, 10);
      alert(c, "low-1", "C1", "s2", "low", "2026-12-04T10:00:00Z", null, 11);
      alert(c, "medium-1", "C1", "s3", "medium", "2026-12-04T10:00:00Z", null, 12);
    }
    assertThat(notifier.runOnce()).isEqualTo(1);
    assertThat(notifier.runOnce()).isZero();

    List<String> got = received(mail);
    assertThat(got).hasSize(1);
    assertThat(got.get(0))
        .startsWith("ann@example.edu|[coursepulse] C1: high-severity alert (no-login-7d) for Ada"
            + " Lovelace (s1)|")
        .contains("2026-12-04 11:00 CET", "https://cp.example.edu/courses/C1/students/s1")
        .doesNotContain("s2", "s3");
    assertThat(registry.counter("coursepulse.notify.emails.sent", "kind", "alert").count())
        .isEqualTo(1.0);
    assertThat(scalar("SELECT count(*) FROM email_outbox WHERE body IS NOT NULL"))
        .as("sent rows keep no names").isZero();
  }

  @Test
  void shouldRetryTransientSmtpFailureWithBackoffAndCountIt() throws Exception {
    try (Connection c = ds.getConnection()) {
      instructor(c, "ann", "ann@example.edu", "UTC", "C1", true, false);
      alert(c, "high-1", "C1", "s1", "high", "2026-12-04T10:00:00Z", null, 10);
    }
    int port = mail.getSmtp().getPort();
    Smtp smtp = NotifyFixtures.smtp(mail);
    mail.stop(); // connection refused: transient
    notifier(NOW, 20, smtp).runOnce();
    assertThat(registry.counter("coursepulse.notify.emails.failed", "kind", "alert", "outcome",
        "retry").count()).isEqualTo(1.0);
    assertThat(scalar("SELECT count(*) FROM email_outbox WHERE status = 'pending'"
        + " AND next_attempt_at = '2026-12-04T16:00:30Z'")).isEqualTo(1);

    mail = new GreenMail(new com.icegreen.greenmail.util.ServerSetup(port, "127.0.0.1", "smtp"));
    mail.start();
    notifier(NOW.plusSeconds(29), 20, smtp).runOnce(); // still backing off
    assertThat(mail.getReceivedMessages()).isEmpty();
    notifier(NOW.plusSeconds(30), 20, smtp).runOnce();
    assertThat(mail.getReceivedMessages()).hasSize(1);
  }

  @Test
  void shouldHoldMailOverTheHourlyLimitForAnHour() throws Exception {
    try (Connection c = ds.getConnection()) {
      instructor(c, "ann", "ann@example.edu", "UTC", "C1", true, false);
      for (int i = 0; i < 3; i++) {
        alert(c, "high-" + i, "C1", "s" + i, "high", "2026-12-04T10:00:00Z", null, i);
      }
    }
    Smtp smtp = NotifyFixtures.smtp(mail);
    notifier(NOW, 2, smtp).runOnce();
    assertThat(mail.getReceivedMessages()).hasSize(2);
    assertThat(registry.counter("coursepulse.notify.emails.deferred").count()).isEqualTo(1.0);
    notifier(NOW.plusSeconds(3599), 2, smtp).runOnce();
    assertThat(mail.getReceivedMessages()).hasSize(2);
    notifier(NOW.plusSeconds(3600), 2, smtp).runOnce();
    assertThat(mail.getReceivedMessages()).hasSize(3);
  }

  private long scalar(String sql) throws Exception {
    try (Connection c = ds.getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void shouldHonourImmediateSwitchSetPerInstructor() throws Exception {
    try (Connection c = ds.getConnection()) {
      instructor(c, "ann", "ann@example.edu", "UTC", "C1", true, false);
      instructor(c, "bob", "bob@example.edu", "UTC", "C1", true, false);
    }
    EmailPreferences.set(ds, "bob", false, null);
    try (Connection c = ds.getConnection()) {
      alert(c, "high-1", "C1", "s1", "high", "2026-12-04T10:00:00Z", null, 10);
    }
    notifier.runOnce();
    assertThat(received(mail)).singleElement().asString().startsWith("ann@example.edu|");
  }

  @Test
  void shouldNotMailSnoozedAlertBeforeSnoozeDate() throws Exception {
    try (Connection c = ds.getConnection()) {
      long ann = instructor(c, "ann", "ann@example.edu", "UTC", "C1", true, false);
      alert(c, "high-1", "C1", "s1", "high", "2026-12-04T10:00:00Z", null, 10);
      snooze(c, "high-1", "C1", "s1", ann, LocalDate.of(2026, 12, 6));
    }
    notifier.runOnce();
    assertThat(mail.getReceivedMessages()).isEmpty();
  }

  @Test
  void shouldStopMailingAfterUnsubscribeLinkIsFollowed() throws Exception {
    try (Connection c = ds.getConnection()) {
      instructor(c, "ann", "ann@example.edu", "UTC", "C1", true, false);
      alert(c, "high-1", "C1", "s1", "high", "2026-12-04T10:00:00Z", null, 10);
    }
    notifier.runOnce();
    List<String> got = received(mail);
    assertThat(got).hasSize(1);
    Matcher link = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/unsubscribe\\?\\S+")
        .matcher(got.get(0));
    assertThat(link.find()).isTrue();

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> forged = http.send(
        HttpRequest.newBuilder(URI.create(link.group().replaceAll("t=[^&]+", "t=forged")))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(link.group())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("You are unsubscribed").contains("immediate alert emails");

    try (Connection c = ds.getConnection()) {
      alert(c, "high-2", "C1", "s2", "high", "2026-12-04T11:00:00Z", null, 11);
    }
    notifier.runOnce();
    assertThat(mail.getReceivedMessages()).hasSize(1);
  }

  /** The lines of one digest section, up to the next blank line. */
  private static String section(String digest, String title) {
    int start = digest.indexOf(title);
    assertThat(start).as("section %s", title).isNotNegative();
    int end = digest.indexOf("\n\n", start);
    return digest.substring(start, end < 0 ? digest.length() : end);
  }
}
