package coursepulse.cli;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.AlertingApp;
import coursepulse.lms.risk.ProcessorModel;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.risk.model.RiskModel;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse process}: runs the alerting application until stopped. */
@Command(
    name = "process",
    header = "Runs the alerting application: LMS events in, alerts out to 04-Alerts.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the student-activity alerting application over 01-Enrollment, 02-Login and"
          + " 03-Activity and writes alerts and resolutions to 04-Alerts.",
      "State is checkpointed to --state-dir; a restart resumes from the last checkpoint and"
          + " replays what followed without doubling any alert. Stops on SIGTERM (final"
          + " checkpoint) or, with --stop-when-idle, once caught up and quiet.",
      ""
    })
final class ProcessCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @Mixin MetricsOptions metrics = MetricsOptions.defaultPort(9464);

  @Option(
      names = {"--application-id", "-a"},
      defaultValue = AlertingApp.DEFAULT_APPLICATION_ID,
      paramLabel = "ID",
      description =
          "Names the consumer offsets, producer names, checkpoints (<state-dir>/ID) and the"
              + " streams ID-dlq, ID-refused and ID-instances; any id but 'coursepulse' also writes"
              + " ID-alerts and ID-risk instead of 04-Alerts and 05-Risk (default:"
              + " ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Checkpoint directory (default: coursepulse-data/state).")
  Path stateDir;

  @Option(
      names = "--rules",
      paramLabel = "FILE",
      description = "Rule thresholds, YAML or .properties (see docs/rules.md); default: the built-in defaults.")
  Path rules;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description =
          "Risk model file (JSON, written by 'coursepulse train'); default: the built-in model.")
  Path model;

  @Option(
      names = "--stop-when-idle",
      paramLabel = "SECONDS",
      description =
          "Exit 0 (after a final checkpoint) once every input is caught up and nothing new"
              + " arrived for this long; default: run until SIGTERM.")
  Double stopWhenIdleSeconds;

  @Option(
      names = "--from",
      defaultValue = "first",
      paramLabel = "OFFSET",
      description =
          "Where to start when there is no checkpoint: first, last, next, offset:N or"
              + " timestamp:ISO (default: ${DEFAULT-VALUE}).")
  String from;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "30s",
      converter = Sizes.DurationConverter.class,
      paramLabel = "DURATION",
      description = "How often to checkpoint (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(
      names = "--output-stream",
      paramLabel = "STREAM",
      description =
          "Where alerts go (default: 04-Alerts for the application id 'coursepulse',"
              + " <application-id>-alerts for any other, so a trial run cannot mix with real"
              + " alerts). Every alert also carries applicationId and rulesHash. Inputs, risk"
              + " streams and engine streams (-dlq, -refused, -checkpoints, -instances) are refused.")
  String outputStream;

  @Option(
      names = "--max-event-time-ahead",
      defaultValue = "1d",
      converter = Sizes.DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Records dated further than this ahead of the latest event time before them on their own"
              + " input are held back and, when the next record of their stream is not, dead-lettered"
              + " (reason event-time-ahead): a wrong clock cannot end the term. 0s turns the guard"
              + " off (default: ${DEFAULT-VALUE}).")
  Duration maxEventTimeAhead;

  @Option(
      names = "--retry-for",
      defaultValue = "10m",
      converter = Sizes.DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "While the broker refuses connections at start-up (down or restarting), keep trying this"
              + " long instead of exiting; 0s fails at once"
              + " (default: ${DEFAULT-VALUE}).")
  Duration retryFor;

  @Option(
      names = "--course-label",
      description =
          "Add a course label to alert meters (bounded by the number of courses; off by default).")
  boolean courseLabel;

  @Option(
      names = "--sink-jdbc-url",
      paramLabel = "URL",
      description =
          "Also run the PostgreSQL alert sink in this process (as 'coursepulse sink --to postgres"
              + " --jdbc-url URL'; user and password from PGUSER and PGPASSWORD).")
  String sinkJdbcUrl;

  @Option(
      names = "--sink-wait",
      defaultValue = "5m",
      converter = Sizes.DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "With --sink-jdbc-url and --stop-when-idle: how long to wait for the sink to apply every"
              + " alert before exiting; if it has not, the command fails (default:"
              + " ${DEFAULT-VALUE}).")
  Duration sinkWait;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Over partitioned input streams: run the partitions (tasks) this process holds on N"
              + " threads, each task on one thread at a time (Kafka Streams' num.stream.threads)."
              + " 0 gives each task a thread of its own (default: ${DEFAULT-VALUE}). Plain streams"
              + " are one task on one thread.")
  int threads;

  @Option(names = "--quiet", description = "Do not print a line per alert.")
  boolean quiet;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  /** A year: beyond, the idle deadline overflowed ("long overflow"); leave the option out instead. */
  private static final double MAX_STOP_WHEN_IDLE_SECONDS = 365 * 86_400.0;

  @Override
  public Integer call() throws Exception {
    if (stopWhenIdleSeconds != null
        && !(stopWhenIdleSeconds >= 0 && stopWhenIdleSeconds <= MAX_STOP_WHEN_IDLE_SECONDS)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--stop-when-idle must be 0 to " + (long) MAX_STOP_WHEN_IDLE_SECONDS
              + " seconds (a year), was " + stopWhenIdleSeconds
              + " (leave it out to run until SIGTERM)");
    }
    if (threads < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--threads must be 0 or more, was " + threads);
    }
    RulesConfig rulesConfig = rules == null ? RulesConfig.DEFAULTS : RulesConfig.fromFile(rules);
    Path dir = stateDir != null ? stateDir : Path.of("coursepulse-data", "state");
    PrometheusMeterRegistry registry = MetricsServer.newRegistry(applicationId);
    AlertingApp.Settings settings =
        new AlertingApp.Settings(
            applicationId,
            dir,
            rulesConfig,
            OffsetSpec.parse(from),
            checkpointInterval,
            courseLabel,
            outputStream != null ? outputStream : AlertingApp.defaultAlertsStream(applicationId),
            model == null
                ? RiskModel.builtIn()
                : ProcessorModel.load(model, spec.commandLine().getErr()::println),
            AlertingApp.defaultRiskStream(applicationId),
            maxEventTimeAhead,
            threads);
    var out = spec.commandLine().getOut();
    var resetTo = ResetMarker.read(dir, applicationId);
    if (!resetTo.isEmpty()) {
      spec.commandLine().getErr().println(
          "starting from the positions 'reset' left (unless a checkpoint exists): " + resetTo);
    }
    try (StreamLog streams =
        log.open(LogOptions.Broker.RABBITMQ, retryFor, spec.commandLine().getErr())) {
      AlertingApp app =
          AlertingApp.start(
              streams, settings, registry, quiet ? a -> {} : AlertingApp.printer(out), resetTo);
      try (MetricsServer server =
          MetricsServer.startIfEnabled(
              metrics,
              9464,
              registry,
              () -> app.engine().state().name(),
              spec.commandLine().getErr(),
              "process")) {
        coursepulse.lms.sink.AlertSink sink = startSink(streams, registry, settings.alertsStream());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
            new Thread(
                () -> {
                  app.close();
                  // Here, not after the hook: the JVM halts as soon as the hook ends.
                  forgetResetMarker(app, registry, dir, resetTo);
                  closeSink(sink);
                  stopped.countDown();
                },
                "coursepulse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (stopWhenIdleSeconds != null) {
          app.awaitQuiet(Duration.ofMillis((long) (stopWhenIdleSeconds * 1000)));
          Runtime.getRuntime().removeShutdownHook(hook);
          app.close();
          if (sink != null) {
            // the sink catches up with what the application wrote before it stops
            awaitSinkCaughtUp(sink, streams, settings.alertsStream(), sinkWait);
          }
          closeSink(sink);
        } else {
          // Until SIGTERM, or until the engine fails for good: then the command exits non-zero,
          // so that a supervisor restarts the instance instead of it staying up holding nothing.
          while (!stopped.await(1, TimeUnit.SECONDS)) {
            forgetResetMarker(app, registry, dir, resetTo);
            if (app.engine().state() == coursepulse.engine.StreamEngine.State.ERROR) {
              Runtime.getRuntime().removeShutdownHook(hook);
              app.close();
              closeSink(sink);
              break;
            }
          }
        }
        app.throwIfFailed();
        forgetResetMarker(app, registry, dir, resetTo);
      }
    } catch (IOException e) {
      throw e;
    }
    return 0;
  }

  /**
   * Deletes the marker 'reset' left as soon as a checkpoint has taken over from it: the first one
   * written, or the final one of a clean stop. Left behind (SIGTERM ends the JVM when the shutdown
   * hook ends; kill -9 at any time), a later start whose checkpoints are unusable would begin at
   * the stale reset position. Called every second and from the shutdown hook; acts once.
   */
  private void forgetResetMarker(
      AlertingApp app, PrometheusMeterRegistry registry, Path dir,
      java.util.Map<String, OffsetSpec> resetTo) {
    if (resetTo.isEmpty() || resetMarkerForgotten) {
      return;
    }
    boolean checkpointed =
        app.engine().state() == coursepulse.engine.StreamEngine.State.STOPPED
            || registry.find("coursepulse.engine.checkpoint.duration").timers().stream()
                .anyMatch(t -> t.count() > 0);
    if (!checkpointed) {
      return;
    }
    try {
      ResetMarker.delete(dir, applicationId);
      resetMarkerForgotten = true;
    } catch (IOException e) {
      spec.commandLine().getErr().println("coursepulse: cannot delete "
          + ResetMarker.file(dir, applicationId) + " (" + e.getMessage() + "): delete it, or a"
          + " start without a usable checkpoint begins at that reset position again");
    }
  }

  /** Set once the reset marker is deleted; read by the shutdown hook's thread too. */
  private volatile boolean resetMarkerForgotten;

  private coursepulse.lms.sink.AlertSink startSink(
      StreamLog streams, PrometheusMeterRegistry registry, String alertsStream) {
    if (sinkJdbcUrl == null || sinkJdbcUrl.isBlank()) {
      return null;
    }
    coursepulse.lms.sink.AlertSink sink =
        coursepulse.lms.sink.AlertSink.builder(streams, sinkJdbcUrl.trim())
            .credentials(System.getenv("PGUSER"), System.getenv("PGPASSWORD"))
            .stream(alertsStream)
            .origin(applicationId, null)
            .meterRegistry(registry)
            .build();
    sink.start();
    return sink;
  }

  private static void closeSink(coursepulse.lms.sink.AlertSink sink) {
    if (sink != null) {
      sink.close();
    }
  }

  /**
   * Waits for the sink to apply every alert, and fails the command when it could not: exiting 0
   * with the table behind (an unreachable database) read as success.
   */
  static void awaitSinkCaughtUp(
      coursepulse.lms.sink.AlertSink sink, StreamLog streams, String alertsStream,
      Duration timeout) throws InterruptedException {
    long end =
        streams.stats(alertsStream).map(s -> s.lastOffset()).orElse(-1L);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sink.position() < end
        && sink.state() != coursepulse.lms.sink.AlertSink.State.FAILED
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (sink.position() < end) {
      throw new IllegalStateException(
          "the alerts are in " + alertsStream + ", but the sink applied them only up to offset "
              + sink.position() + " of " + end + " ("
              + (sink.state() == coursepulse.lms.sink.AlertSink.State.FAILED
                  ? "it failed: see the log above"
                  : "still behind after " + timeout.toSeconds() + " s: is the database reachable?")
              + "); run 'coursepulse sink' to bring the table up to date");
    }
  }
}
