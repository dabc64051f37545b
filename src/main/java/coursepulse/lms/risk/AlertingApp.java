package coursepulse.lms.risk;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.lms.event.StreamNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerting application wired for a run: streams checked, topology built from the rules,
 * engine started with its meters, alerts printed as they happen. Shared by {@code process},
 * {@code demo} and {@code replay}.
 */
public final class AlertingApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertingApp.class);

  private final StreamEngine engine;
  private final MeterRegistry registry;

  private AlertingApp(StreamEngine engine, MeterRegistry registry) {
    this.engine = engine;
    this.registry = registry;
  }

  /**
   * How far ahead of the latest event time of its own input a record may be before the engine
   * holds it back as a probable wrong clock (see {@code StreamEngine.Builder#maxEventTimeAhead}).
   * A day is far shorter than the damage a year-ahead record does (every timer of the term fires
   * at once); a longer quiet spell of one input (enrollments) is only held until the input's next
   * record shows that time really moved on.
   */
  public static final Duration DEFAULT_MAX_EVENT_TIME_AHEAD = Duration.ofDays(1);

  /** The application id whose alerts go to {@code 04-Alerts} unless told otherwise. */
  public static final String DEFAULT_APPLICATION_ID = "coursepulse";

  /**
   * Where an application writes alerts without {@code --output-stream}: {@code 04-Alerts} for the
   * default application, {@code <applicationId>-alerts} for any other, so a trial run under its own
   * id can never land in the stream the sink and the dashboard read.
   */
  public static String defaultAlertsStream(String applicationId) {
    return DEFAULT_APPLICATION_ID.equals(applicationId)
        ? StreamNames.ALERTS
        : applicationId + "-alerts";
  }

  /**
   * Where an application writes risk scores: {@code 05-Risk} for the default application, {@code
   * <applicationId>-risk} for any other, for the same reason as {@link #defaultAlertsStream}.
   */
  public static String defaultRiskStream(String applicationId) {
    return DEFAULT_APPLICATION_ID.equals(applicationId) ? StreamNames.RISK : applicationId + "-risk";
  }

  /**
   * What a run needs beyond the log.
   *
   * @param model the risk model scoring every student-course
   * @param riskStream where risk scores go ({@code 05-Risk}); {@code null} writes none
   * @param maxEventTimeAhead the stream-time guard's limit; zero turns it off
   * @param taskThreads threads running the tasks over partitioned inputs ({@link
   *     StreamEngine.Builder#taskThreads}); 0: a thread per task
   */
  public record Settings(
      String applicationId,
      Path stateDir,
      RulesConfig rules,
      OffsetSpec startFrom,
      Duration checkpointInterval,
      boolean courseTag,
      String alertsStream,
      coursepulse.lms.risk.model.RiskModel model,
      String riskStream,
      Duration maxEventTimeAhead,
      int taskThreads) {
    /** With a thread per task over partitioned inputs. */
    public Settings(
        String applicationId,
        Path stateDir,
        RulesConfig rules,
        OffsetSpec startFrom,
        Duration checkpointInterval,
        boolean courseTag,
        String alertsStream,
        coursepulse.lms.risk.model.RiskModel model,
        String riskStream,
        Duration maxEventTimeAhead) {
      this(applicationId, stateDir, rules, startFrom, checkpointInterval, courseTag, alertsStream,
          model, riskStream, maxEventTimeAhead, 0);
    }

    /** The same settings with {@code threads} task threads. */
    public Settings withTaskThreads(int threads) {
      return new Settings(applicationId, stateDir, rules, startFrom, checkpointInterval, courseTag,
          alertsStream, model, riskStream, maxEventTimeAhead, threads);
    }

    /**
     * With the built-in model, scores to {@code 05-Risk} and the default stream-time guard.
     */
    public Settings(
        String applicationId,
        Path stateDir,
        RulesConfig rules,
        OffsetSpec startFrom,
        Duration checkpointInterval,
        boolean courseTag,
        String alertsStream) {
      this(applicationId, stateDir, rules, startFrom, checkpointInterval, courseTag, alertsStream,
          coursepulse.lms.risk.model.RiskModel.builtIn(), defaultRiskStream(applicationId),
          DEFAULT_MAX_EVENT_TIME_AHEAD);
    }
  }

  /**
   * Checks the inputs exist, declares the outputs and starts the engine.
   *
   * @param alertSink called with each alert as it is emitted (on the engine's thread)
   */
  public static AlertingApp start(
      StreamLog log, Settings settings, MeterRegistry registry, Consumer<Alert> alertSink) {
    return start(log, settings, registry, alertSink, java.util.Map.of());
  }

  /**
   * Like {@link #start(StreamLog, Settings, MeterRegistry, Consumer)} with per-stream start
   * positions used while there is no checkpoint (those {@code reset} left).
   */
  public static AlertingApp start(
      StreamLog log, Settings settings, MeterRegistry registry, Consumer<Alert> alertSink,
      java.util.Map<String, OffsetSpec> startPositions) {
    // before any stream is declared: a refused id left 'bad id!-dlq' and the like behind
    StreamEngine.requireValidApplicationId(settings.applicationId());
    if (StreamNames.carriesNoAlerts(settings.alertsStream())) {
      throw new IllegalArgumentException(
          "the alerts cannot go to " + settings.alertsStream() + ": it is an input, a risk stream"
              + " or an engine's stream; give --output-stream a name of its own (the default is "
              + defaultAlertsStream(settings.applicationId()) + ")");
    }
    for (String input : StreamNames.INPUTS) {
      if (!log.streamExists(input) && log.partitions(input).isEmpty()) {
        throw new StreamNotFoundException(input);
      }
    }
    RiskMetrics riskMetrics = new RiskMetrics(registry, settings.courseTag());
    RiskTopology.Options options =
        RiskTopology.Options.forApplication(settings.applicationId())
            .withRules(settings.rules())
            .withMetrics(riskMetrics)
            .withAlertListener(alertSink)
            .withModel(settings.model())
            .withRiskStream(settings.riskStream());
    for (String output :
        new String[] {
          settings.alertsStream(),
          options.deadLetterStream(),
          settings.riskStream(),
          StreamNames.deadLetters(settings.applicationId())
        }) {
      if (output != null) {
        log.createStream(output, Retention.unlimited());
      }
    }
    StreamEngine engine =
        StreamEngine.builder()
            .applicationId(settings.applicationId())
            .topology(
                RiskTopology.build(
                    options,
                    settings.alertsStream(),
                    Alert.Origin.of(
                        settings.applicationId(), settings.rules(), settings.model().version())))
            .log(log)
            .stateDir(settings.stateDir())
            .meterRegistry(registry)
            .startFrom(settings.startFrom())
            .startFrom(startPositions)
            .checkpointInterval(settings.checkpointInterval())
            .maxEventTimeAhead(settings.maxEventTimeAhead())
            .taskThreads(settings.taskThreads())
            .deserializationExceptionHandler(RiskTopology.deadLetterHandler(riskMetrics))
            .announcePresence(true) // reset refuses while any instance runs, on any machine
            .build();
    engine.start();
    LOG.info(
        "application '{}' processing {} on {} (state in {})",
        settings.applicationId(),
        StreamNames.INPUTS,
        log.describe(),
        settings.stateDir());
    return new AlertingApp(engine, registry);
  }

  /** Prints one readable line per alert (ids only, never names). */
  public static Consumer<Alert> printer(PrintWriter out) {
    return alert -> {
      out.println(AlertFormatter.line(alert));
      out.flush();
    };
  }

  public StreamEngine engine() {
    return engine;
  }

  /**
   * Returns once every input is caught up and nothing new has arrived for {@code quiet}, or when
   * the engine stops or fails.
   */
  public void awaitQuiet(Duration quiet) throws InterruptedException {
    long quietNanos = quiet.toNanos();
    double lastProcessed = -1;
    long idleSince = 0;
    while (engine.state() != StreamEngine.State.ERROR
        && engine.state() != StreamEngine.State.STOPPED) {
      // Returns as soon as the engine is idle; the timeout only bounds a busy wait. It must hold
      // two idle passes of every task: on RabbitMQ 4.0.5 a pass asks the broker for each input's
      // last offset through a probe connection shared by the tasks, so with three tasks a pass
      // can take a second or two (with 2 s here, a 3-partition run needed 261 s to stop).
      boolean idle = engine.awaitIdle(Duration.ofSeconds(10));
      double processed = processed();
      long now = System.nanoTime();
      if (!idle || processed != lastProcessed) {
        idleSince = idle ? now : 0;
        lastProcessed = processed;
        continue;
      }
      if (idleSince == 0) {
        idleSince = now;
      }
      if (now - idleSince >= quietNanos) {
        return;
      }
      Thread.sleep(Math.min(200, Math.max(1, quiet.toMillis() / 10)));
    }
  }

  private double processed() {
    return registry.find("coursepulse.engine.records.processed").functionCounters().stream()
        .mapToDouble(FunctionCounter::count)
        .sum();
  }

  /** Final checkpoint and close; fails with the engine's error when it failed. */
  @Override
  public void close() {
    engine.close();
  }

  /** The engine's failure as an exception for the command's exit code, if it failed. */
  public void throwIfFailed() throws IOException {
    if (engine.state() == StreamEngine.State.ERROR) {
      Throwable t = engine.failure().orElse(null);
      throw new IOException(
          "processing failed: " + (t == null ? "unknown error" : t.getMessage()), t);
    }
  }
}
