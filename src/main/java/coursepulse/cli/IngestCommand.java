package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.ingest.CourseCatalog;
import coursepulse.lms.ingest.IngestServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse ingest}: the HTTP endpoint for IMS Caliper and Canvas Live Events. */
@Command(
    name = "ingest",
    header = "Receives LMS events over HTTP (Caliper, Canvas Live Events) and appends them.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Receives LMS events over HTTP and appends them to 01-Enrollment, 02-Login and 03-Activity:",
      "  POST /v1/caliper  IMS Caliper 1.1/1.2 envelopes (sensor, sendTime, dataVersion, data)",
      "  POST /v1/canvas   Canvas Live Events in Canvas format (metadata + body), one or an array",
      "Senders authenticate with 'Authorization: Bearer TOKEN'. A request is answered 200 (or 207"
          + " when some events were refused and dead-lettered to ingest-dlq) only after RabbitMQ"
          + " confirmed its events; a redelivered event is recognised by its source id and not"
          + " appended again. Mapping, answers and guarantees: docs/ingest.md.",
      ""
    })
final class IngestCommand implements Callable<Integer> {

  static final String TOKEN_ENV = "COURSEPULSE_INGEST_TOKEN";

  /** Not the sink's 9467: both run beside each other on one host. */
  static final int DEFAULT_METRICS_PORT = 9468;

  @Mixin LogOptions log;

  @Mixin MetricsOptions metricsOptions = MetricsOptions.defaultPort(DEFAULT_METRICS_PORT);

  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8088",
      description = "Address to serve on (default: ${DEFAULT-VALUE}; put TLS in front of it).")
  String listen;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the bearer token senders must present, readable only by its owner"
              + " (default: the " + TOKEN_ENV + " environment variable).")
  Path tokenFile;

  @Option(
      names = "--course-dates",
      paramLabel = "FILE",
      description =
          "CSV of courseId,start,end (dates or instants): enrolments need their course's dates,"
              + " which LMS events do not carry.")
  Path courseDates;

  @Option(
      names = "--default-course-dates",
      paramLabel = "START/END",
      description =
          "Dates of courses not in --course-dates, e.g. 2026-09-07/2026-12-21 (default: none;"
              + " their enrolments are refused with unknown_course).")
  String defaultCourseDates;

  @Option(
      names = "--max-request-bytes",
      paramLabel = "SIZE",
      converter = Sizes.ByteSizeConverter.class,
      defaultValue = "1mb",
      description = "Larger request bodies get 413 (default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "16",
      description = "Request-handling threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--dedup-window",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "Recent event ids kept per stream (and read back on start) to recognise redeliveries"
              + " (default: ${DEFAULT-VALUE}).")
  int dedupWindow;

  @Option(
      names = "--producer-name",
      paramLabel = "NAME",
      defaultValue = "coursepulse-ingest",
      description =
          "Producer name on each stream (default: ${DEFAULT-VALUE}); give each ingest instance"
              + " its own.")
  String producerName;

  @Option(
      names = "--commit-timeout",
      paramLabel = "DURATION",
      converter = Sizes.DurationConverter.class,
      defaultValue = "30s",
      description = "Longest a request waits for RabbitMQ before 503 (default: ${DEFAULT-VALUE}).")
  Duration commitTimeout;

  @Option(
      names = "--max-event-time-ahead",
      paramLabel = "DURATION",
      converter = Sizes.DurationConverter.class,
      defaultValue = "1d",
      description =
          "A request with an event dated further ahead of this server's clock is refused with 400"
              + " event_time_ahead (default: ${DEFAULT-VALUE}).")
  Duration maxEventTimeAhead;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    IngestServer.Options options =
        IngestServer.Options.defaults(address(listen), token())
            .withCatalog(catalog())
            .withMaxRequestBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes))
            .withThreads(threads)
            .withDedupWindow(dedupWindow)
            .withProducerName(producerName)
            .withCommitTimeout(commitTimeout)
            .withMaxEventTimeAhead(maxEventTimeAhead);
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-ingest");
    CountDownLatch stop = new CountDownLatch(1);
    try (StreamLog streams = log.open(LogOptions.Broker.RABBITMQ);
        IngestServer server = IngestServer.start(streams, options, registry, Clock.systemUTC())) {
      int metricsPort = metricsOptions.portOr(DEFAULT_METRICS_PORT);
      MetricsServer metrics =
          metricsPort == 0
              ? null
              : MetricsServer.start(registry, metricsOptions.bind, metricsPort, server::health);
      Thread hook = new Thread(stop::countDown, "coursepulse-ingest-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      err.println("ingest listening on " + server.address() + ", appending to "
          + streams.describe() + (metrics == null ? "" : "; metrics on port " + metrics.port()));
      err.flush();
      try {
        stop.await();
      } finally {
        if (metrics != null) {
          metrics.close();
        }
      }
    }
    return 0;
  }

  private String token() throws IOException {
    if (tokenFile != null) {
      if (Files.getFileStore(tokenFile).supportsFileAttributeView("posix")
          && Files.getPosixFilePermissions(tokenFile).stream()
              .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        throw new IllegalArgumentException(
            "--token-file " + tokenFile + " is readable by others: run 'chmod 600 " + tokenFile
                + "'");
      }
      if (!Files.isReadable(tokenFile)) {
        throw new IllegalArgumentException(
            "--token-file " + tokenFile + " cannot be read: give a file holding the token");
      }
      String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new IllegalArgumentException(
            "--token-file " + tokenFile + " is empty: write the token into it, e.g. 'openssl rand"
                + " -hex 32 > " + tokenFile + "'");
      }
      return token;
    }
    String env = System.getenv(TOKEN_ENV);
    if (env == null || env.isBlank()) {
      throw new IllegalArgumentException(
          "no ingest token: give --token-file FILE or set " + TOKEN_ENV);
    }
    return env.strip();
  }

  private CourseCatalog catalog() throws IOException {
    if (courseDates != null && !Files.isReadable(courseDates)) {
      throw new IllegalArgumentException(
          "--course-dates " + courseDates + " cannot be read: give a CSV file of lines"
              + " 'courseId,start,end'");
    }
    Map<String, CourseCatalog.CourseDates> dates =
        courseDates == null ? Map.of() : CourseCatalog.readDates(courseDates);
    return new CourseCatalog(
        dates, defaultCourseDates == null ? null : CourseCatalog.CourseDates.parse(defaultCourseDates));
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("--listen '" + hostPort + "' must be HOST:PORT");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen '" + hostPort + "': port is not a number");
    }
  }
}
