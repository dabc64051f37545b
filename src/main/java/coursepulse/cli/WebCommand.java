package coursepulse.cli;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.lms.web.WebDatabase;
import coursepulse.lms.web.WebServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code coursepulse web}: the instructors' pages on the sink's database. */
@Command(
    name = "web",
    header = "Serves the instructors' pages: courses, students who need attention, triage.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serves the instructors' pages: my courses, the students of a course who need attention and"
          + " why, a student's history, and triage (acknowledge, snooze, contact, dismiss) kept"
          + " as an audit log. Reads the PostgreSQL database 'coursepulse sink' fills; accounts"
          + " come from 'coursepulse users add' or teacher enrolments.",
      ""
    })
final class WebCommand implements Callable<Integer> {

  static final int DEFAULT_METRICS_PORT = 9470;

  @Spec CommandSpec spec;

  @Mixin DatabaseOptions db;

  @Mixin MetricsOptions metrics = MetricsOptions.defaultPort(DEFAULT_METRICS_PORT);

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:COURSEPULSE_WEB_BIND:-127.0.0.1}",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; put HTTPS in front for"
          + " anything but loopback).")
  String bind;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--secure-cookies",
      description = "Mark session cookies Secure (set this when users reach it over HTTPS).")
  boolean secureCookies;

  @Option(
      names = "--session-idle",
      paramLabel = "DURATION",
      defaultValue = "8h",
      converter = Sizes.DurationConverter.class,
      description = "How long an unused session stays signed in (default: ${DEFAULT-VALUE}).")
  Duration sessionIdle;

  @Override
  public Integer call() throws Exception {
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-web");
    CountDownLatch stop = new CountDownLatch(1);
    try (HikariDataSource ds = WebDatabase.open(db.url(), db.user, db.password());
        WebServer web = WebServer.start(ds,
            new WebServer.Options(bind, port, secureCookies, sessionIdle), registry);
        MetricsServer server = MetricsServer.startIfEnabled(metrics, DEFAULT_METRICS_PORT,
            registry, () -> "RUNNING", spec.commandLine().getErr(), "web")) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "coursepulse-web-stop"));
      System.out.println("coursepulse web on http://" + bind + ":" + web.port() + "/");
      stop.await();
      return 0;
    }
  }
}
