package coursepulse.lms.notify;

import static coursepulse.lms.notify.NotifyFixtures.alert;
import static coursepulse.lms.notify.NotifyFixtures.instructor;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import coursepulse.lms.sink.Schema;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code coursepulse notify} as users run it (its own JVM), killed with SIGKILL while sending and
 * restarted: no message reaches the SMTP server twice, and every message is either received or
 * recorded as 'unknown' (the one SMTP call a kill may interrupt).
 */
@ExtendWith(PostgresExtension.class)
class NotifierCrashIT {
  private static final int COURSES = 3;
  private static final int ALERTS_PER_COURSE = 200;
  private static final int TOTAL = COURSES * ALERTS_PER_COURSE;

  @Test
  void shouldNeverSendTwiceWhenKilledMidRunAndRestarted(PostgresDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      Schema.migrate(c);
      long offset = 0;
      for (int course = 1; course <= COURSES; course++) {
        instructor(c, "i" + course, "i" + course + "@example.edu", "UTC", "C" + course, true,
            false);
        for (int i = 0; i < ALERTS_PER_COURSE; i++) {
          alert(c, "a" + course + "-" + i, "C" + course, "s" + i, "high",
              "2026-12-04T10:00:00Z", null, offset++);
        }
      }
    }
    GreenMail mail = NotifyFixtures.smtpServer();
    try {
      int kills = 0;
      for (int target : new int[] {TOTAL / 4, TOTAL / 2}) {
        Process notify = start(db, mail);
        try {
          awaitUntil(() -> mail.getReceivedMessages().length >= target || !notify.isAlive(),
              "notify sends " + target + " messages");
          assertThat(notify.isAlive()).as("notify still running before kill").isTrue();
        } finally {
          notify.destroyForcibly(); // SIGKILL
          notify.waitFor(30, TimeUnit.SECONDS);
        }
        kills++;
        assertThat(mail.getReceivedMessages().length).as("received after kill %d", kills)
            .isLessThan(TOTAL);
      }
      Process notify = start(db, mail);
      try {
        awaitUntil(() -> count(db, "status IN ('pending', 'sending')") == 0,
            "notify finishes after " + kills + " kills");
      } finally {
        notify.destroy();
        notify.waitFor(30, TimeUnit.SECONDS);
      }

      List<String> ids = new ArrayList<>();
      for (MimeMessage m : mail.getReceivedMessages()) {
        ids.add(m.getMessageID());
      }
      Set<String> distinct = new HashSet<>(ids);
      assertThat(ids).as("no message received twice").hasSameSizeAs(distinct);
      Map<String, Set<String>> byStatus = rows(db);
      Set<String> sent = byStatus.getOrDefault("sent", Set.of());
      Set<String> unknown = byStatus.getOrDefault("unknown", Set.of());
      assertThat(byStatus.keySet()).isSubsetOf("sent", "unknown");
      assertThat(sent.size() + unknown.size()).isEqualTo(TOTAL);
      assertThat(distinct).containsAll(sent);
      Set<String> extra = new HashSet<>(distinct);
      extra.removeAll(sent);
      assertThat(unknown).containsAll(extra);
      assertThat(unknown.size()).as("at most one interrupted call per kill").isLessThanOrEqualTo(
          kills);
      System.out.println("NotifierCrashIT: " + ids.size() + " received, " + sent.size()
          + " sent, " + unknown.size() + " unknown after " + kills + " kills");
    } finally {
      mail.stop();
    }
  }

  /** Message-IDs of the outbox rows by status (the notifier's id scheme). */
  private static Map<String, Set<String>> rows(PostgresDatabase db) throws SQLException {
    Map<String, Set<String>> out = new HashMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status, id FROM email_outbox")) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), k -> new HashSet<>())
            .add("<coursepulse." + rs.getLong(2) + "@example.edu>");
      }
    }
    return out;
  }

  private static int count(PostgresDatabase db, String where) {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM email_outbox WHERE " + where)) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Process start(PostgresDatabase db, GreenMail mail) throws Exception {
    Path passwordFile = Files.createTempFile("notify-password", "");
    Files.writeString(passwordFile, db.password() == null ? "" : db.password());
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    passwordFile.toFile().deleteOnExit();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("coursepulse.cli.Main");
    command.addAll(List.of("notify", "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(),
        "--db-password-file", passwordFile.toString(), "--smtp-host", "127.0.0.1",
        "--smtp-port", Integer.toString(mail.getSmtp().getPort()), "--smtp-security", "NONE",
        "--mail-from", NotifyFixtures.FROM, "--base-url", "https://cp.example.edu",
        "--unsubscribe-port", "0", "--per-hour", "100000", "--poll", "100ms",
        "--metrics-port", "0"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("COURSEPULSE_UNSUBSCRIBE_SECRET", NotifyFixtures.SECRET);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/notifier-crash-it.log")));
    return pb.start();
  }

  private static void awaitUntil(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
