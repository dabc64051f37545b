package coursepulse.cli;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.lms.notify.Notifier;
import coursepulse.lms.notify.NotifySettings;
import coursepulse.lms.notify.Smtp;
import coursepulse.lms.notify.UnsubscribeServer;
import coursepulse.lms.web.WebDatabase;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse notify}: instructors' email from the sink's database. */
@Command(
    name = "notify",
    header = "Emails instructors new high-severity alerts and a daily digest.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Emails instructors: one message per new high-severity alert of their courses and a daily"
          + " digest (new, resolved, snoozed until today) in their time zone, each sent once"
          + " (an outbox in the database 'coursepulse sink' fills). Serves the one-click"
          + " unsubscribe links itself.",
      ""
    })
final class NotifyCommand implements Callable<Integer> {

  static final int DEFAULT_METRICS_PORT = 9469;

  @Spec CommandSpec spec;

  @Mixin DatabaseOptions db;

  @Mixin MetricsOptions metrics = MetricsOptions.defaultPort(DEFAULT_METRICS_PORT);

  @Option(names = "--smtp-host", paramLabel = "HOST",
      defaultValue = "${env:COURSEPULSE_SMTP_HOST}",
      description = "SMTP server (default: COURSEPULSE_SMTP_HOST).")
  String smtpHost;

  @Option(names = "--smtp-port", paramLabel = "PORT",
      defaultValue = "${env:COURSEPULSE_SMTP_PORT:-587}",
      description = "SMTP port (default: COURSEPULSE_SMTP_PORT or ${DEFAULT-VALUE}).")
  int smtpPort;

  @Option(names = "--smtp-security", paramLabel = "NONE|STARTTLS|TLS",
      defaultValue = "${env:COURSEPULSE_SMTP_SECURITY:-STARTTLS}",
      description = "STARTTLS (required, port 587), TLS (implicit, port 465) or NONE (only for a"
          + " relay on this machine) (default: ${DEFAULT-VALUE}).")
  Smtp.Security smtpSecurity;

  @Option(names = "--smtp-user", paramLabel = "USER",
      defaultValue = "${env:COURSEPULSE_SMTP_USER}",
      description = "SMTP login; none: no authentication (default: COURSEPULSE_SMTP_USER).")
  String smtpUser;

  @Option(names = "--smtp-password-file", paramLabel = "FILE",
      description = "File holding the SMTP password, readable only by its owner (default: the"
          + " COURSEPULSE_SMTP_PASSWORD environment variable).")
  Path smtpPasswordFile;

  @Option(names = "--mail-from", paramLabel = "ADDRESS",
      defaultValue = "${env:COURSEPULSE_MAIL_FROM}",
      description = "Sender address (default: COURSEPULSE_MAIL_FROM).")
  String from;

  @Option(names = "--base-url", paramLabel = "URL",
      defaultValue = "${env:COURSEPULSE_BASE_URL}",
      description = "Where instructors open 'coursepulse web', for the links in the emails"
          + " (default: COURSEPULSE_BASE_URL).")
  String baseUrl;

  @Option(names = "--unsubscribe-secret-file", paramLabel = "FILE",
      description = "File holding the key that signs unsubscribe links, readable only by its"
          + " owner (default: the COURSEPULSE_UNSUBSCRIBE_SECRET environment variable).")
  Path secretFile;

  @Option(names = "--unsubscribe-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address the unsubscribe endpoint listens on (default: ${DEFAULT-VALUE}).")
  String unsubscribeBind;

  @Option(names = "--unsubscribe-port", paramLabel = "PORT", defaultValue = "8081",
      description = "Port of the unsubscribe endpoint; 0: any free port"
          + " (default: ${DEFAULT-VALUE}).")
  int unsubscribePort;

  @Option(names = "--unsubscribe-url", paramLabel = "URL",
      description = "The endpoint's public address as links in emails show it (default:"
          + " http://ADDRESS:PORT/unsubscribe of the two options above).")
  String unsubscribeUrl;

  @Option(names = "--digest-at", paramLabel = "HH:MM", defaultValue = "07:00",
      description = "Local time (each instructor's time zone) the daily digest is sent from"
          + " (default: ${DEFAULT-VALUE}).")
  LocalTime digestAt;

  @Option(names = "--per-hour", paramLabel = "N", defaultValue = "20",
      description = "At most N emails to one instructor per hour; more wait"
          + " (default: ${DEFAULT-VALUE}).")
  int perHour;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "6",
      description = "SMTP attempts per email on temporary failures (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--backoff", paramLabel = "DURATION", defaultValue = "30s",
      converter = Sizes.DurationConverter.class,
      description = "Wait after the first temporary failure, doubled each time up to 1h"
          + " (default: ${DEFAULT-VALUE}).")
  Duration backoff;

  @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "10s",
      converter = Sizes.DurationConverter.class,
      description = "How often to look for new alerts and due digests (default: ${DEFAULT-VALUE}).")
  Duration poll;

  @Option(names = "--once", description = "One round (queue and send what is due), then exit.")
  boolean once;

  @Override
  public Integer call() throws Exception {
    Smtp smtp = new Smtp(smtpHost, smtpPort, smtpSecurity, blankToNull(smtpUser),
        DatabaseOptions.readPassword(smtpPasswordFile, "--smtp-password-file",
            "COURSEPULSE_SMTP_PASSWORD"), from);
    String secret = DatabaseOptions.readPassword(secretFile, "--unsubscribe-secret-file",
        "COURSEPULSE_UNSUBSCRIBE_SECRET");
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-notify");
    CountDownLatch stop = new CountDownLatch(1);
    try (HikariDataSource ds = WebDatabase.open(db.url(), db.user, db.password());
        UnsubscribeServer unsubscribe =
            UnsubscribeServer.start(ds, secret, unsubscribeBind, unsubscribePort);
        MetricsServer server = MetricsServer.startIfEnabled(metrics, DEFAULT_METRICS_PORT,
            registry, () -> "RUNNING", spec.commandLine().getErr(), "notify")) {
      String links = unsubscribeUrl != null ? unsubscribeUrl
          : "http://" + unsubscribeBind + ":" + unsubscribe.port() + "/unsubscribe";
      NotifySettings settings = new NotifySettings(baseUrl, links, digestAt, perHour, maxAttempts,
          backoff, poll);
      Notifier notifier = new Notifier(ds, smtp, settings, secret, Clock.systemUTC(), registry);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "coursepulse-notify-stop"));
      System.out.println("coursepulse notify via " + smtp + "; unsubscribe links " + links);
      notifier.recover();
      do {
        try {
          notifier.runOnce();
        } catch (SQLException e) {
          if (once) {
            throw e;
          }
          spec.commandLine().getErr().println("notify: database error, retrying: "
              + Secrets.mask(e.getMessage()));
        }
      } while (!once && !stop.await(poll.toMillis(), TimeUnit.MILLISECONDS));
      return 0;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
