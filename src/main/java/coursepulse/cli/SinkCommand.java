package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.sink.AlertSink;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse sink}: materializes 04-Alerts into PostgreSQL until stopped. */
@Command(
    name = "sink",
    header = "Keeps the PostgreSQL table 'alerts' in step with 04-Alerts.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reads 04-Alerts and keeps the PostgreSQL table 'alerts' (one row per alert, resolved_at"
          + " null while open) for dashboards, with its stream position in the same database and"
          + " the same transaction: restarts resume exactly where the table stops.",
      "Creates and migrates its schema itself. Runs until stopped (SIGTERM/Ctrl-C); survives"
          + " database and broker restarts by retrying with backoff.",
      ""
    })
final class SinkCommand implements Callable<Integer> {

  static final int DEFAULT_METRICS_PORT = 9467;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @Mixin MetricsOptions metrics = MetricsOptions.defaultPort(DEFAULT_METRICS_PORT);

  @Option(
      names = "--to",
      required = true,
      paramLabel = "KIND",
      description = "Where to write: postgres (the only kind so far).")
  String to;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      defaultValue = "${env:COURSEPULSE_JDBC_URL}",
      description =
          "jdbc:postgresql://HOST:PORT/DATABASE (default: COURSEPULSE_JDBC_URL). Keep passwords out"
              + " of it: use --db-password-file or PGPASSWORD.")
  String jdbcUrl;

  @Option(
      names = "--db-user",
      paramLabel = "USER",
      defaultValue = "${env:PGUSER}",
      description = "Database user (default: PGUSER).")
  String dbUser;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description =
          "File holding the database password, readable only by its owner (default: the PGPASSWORD"
              + " environment variable).")
  Path dbPasswordFile;

  @Option(
      names = "--sink-name",
      paramLabel = "NAME",
      defaultValue = "coursepulse-sink",
      description = "Name of the stored position; one running sink per name (default: ${DEFAULT-VALUE}).")
  String sinkName;

  @Option(
      names = "--stream",
      paramLabel = "STREAM",
      defaultValue = StreamNames.ALERTS,
      description = "Stream to read (default: ${DEFAULT-VALUE}).")
  String stream;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description =
          "Materialize only alerts stamped with this application id (default: every alert of the"
              + " stream).")
  String applicationId;

  @Option(
      names = "--rules-hash",
      paramLabel = "HEX",
      description = "Materialize only alerts decided by rules with this hash (default: any).")
  String rulesHash;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Most records per transaction (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--max-batch-delay",
      paramLabel = "DURATION",
      defaultValue = "500ms",
      converter = Sizes.DurationConverter.class,
      description = "Longest a record waits for its batch before commit (default: ${DEFAULT-VALUE}).")
  Duration maxBatchDelay;

  @Option(
      names = "--report-interval",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = Sizes.DurationConverter.class,
      description = "How often to log records/s (default: ${DEFAULT-VALUE}).")
  Duration reportInterval;

  @Option(
      names = "--no-roster",
      description =
          "Do not keep the roster (names, roles) from 01-Enrollment and daily activity from"
              + " 02-Login and 03-Activity, which 'coursepulse web' shows. Kept by default when"
              + " the stream is 04-Alerts.")
  boolean noRoster;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (!"postgres".equals(to.toLowerCase(Locale.ROOT))) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--to: unknown kind '" + to + "' (supported: postgres)");
    }
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--jdbc-url (or COURSEPULSE_JDBC_URL) is required");
    }
    String password = password();
    int port = metrics.portOr(DEFAULT_METRICS_PORT);
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-sink");
    try (StreamLog streams = log.open(LogOptions.Broker.RABBITMQ)) {
      List<AlertSink> sinks = new ArrayList<>();
      sinks.add(configure(AlertSink.builder(streams, jdbcUrl.trim()), password, registry)
          .stream(stream).origin(applicationId, rulesHash).build());
      if (!noRoster && StreamNames.ALERTS.equals(stream)) {
        for (String input : StreamNames.INPUTS) {
          sinks.add(configure(AlertSink.builder(streams, jdbcUrl.trim()), password, registry)
              .events().stream(input).build());
        }
      }
      try (MetricsServer server =
          port == 0
              ? null
              : MetricsServer.start(registry, metrics.bind, port, () -> healthOf(sinks))) {
        Thread hook = new Thread(() -> sinks.forEach(AlertSink::close),
            "coursepulse-sink-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        sinks.forEach(AlertSink::start);
        // Any of them failing ends the command: the roster's sink too, not only the alerts'
        // (which runs until stopped, so waiting for each in turn never looked at the others).
        while (true) {
          boolean allStopped = true;
          for (AlertSink sink : sinks) {
            if (sink.state() == AlertSink.State.FAILED) {
              sinks.forEach(AlertSink::close);
              Throwable cause = sink.failure().orElse(null);
              throw new IllegalStateException("sink of " + sink.stream() + " failed: "
                  + (cause == null ? "unknown cause" : AlertSink.describe(cause)), cause);
            }
            allStopped &= sink.awaitTermination(Duration.ofMillis(200 / sinks.size()));
          }
          if (allStopped) {
            return 0;
          }
        }
      } finally {
        sinks.forEach(AlertSink::close);
      }
    }
  }

  private AlertSink.Builder configure(
      AlertSink.Builder builder, String password, PrometheusMeterRegistry registry) {
    return builder
        .credentials(dbUser, password)
        .sinkName(sinkName)
        .batchSize(batchSize)
        .maxBatchDelay(maxBatchDelay)
        .reportInterval(reportInterval)
        .meterRegistry(registry);
  }

  private static String healthOf(List<AlertSink> sinks) {
    // RECOVERING is reported as such (503): the tables are falling behind while it lasts.
    for (AlertSink sink : sinks) {
      if (sink.state() != AlertSink.State.RUNNING) {
        return sink.state().name();
      }
    }
    return AlertSink.State.RUNNING.name();
  }

  private String password() throws IOException {
    return DatabaseOptions.readPassword(dbPasswordFile, "--db-password-file", "PGPASSWORD");
  }
}
