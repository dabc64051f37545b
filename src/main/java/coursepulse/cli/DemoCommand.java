package coursepulse.cli;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Evaluation;
import coursepulse.lms.risk.AlertingApp;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.simulator.PersonaMix;
import coursepulse.lms.publish.Progress;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coursepulse demo}: the whole product in one process — a simulated semester at an
 * accelerated clock, the alerting application printing alerts as they happen, {@code /metrics},
 * and the alert quality against the simulator's ground truth at the end.
 */
@Command(
    name = "demo",
    header = "Runs a simulated semester at an accelerated clock, alerting live, and scores it.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulates a semester of students at an accelerated clock, runs the alerting application on"
          + " it live, prints alerts as they happen, serves /metrics, and ends with the alerts'"
          + " precision and recall against what the simulated students really did.",
      "Runs on an in-process log, even when a RabbitMQ URI is configured (that broker is for real"
          + " work); with --broker rabbitmq it runs there, on streams named coursepulse-demo-*.",
      ""
    })
final class DemoCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @Mixin MetricsOptions metrics = MetricsOptions.defaultPort(9464);

  @Mixin DatabaseOptions db;

  @Option(
      names = "--web-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description =
          "Port of the instructors' pages, served when --jdbc-url is given (not merely"
              + " COURSEPULSE_JDBC_URL: that database is for real work); the demo's tables go to"
              + " schema coursepulse_demo, emptied at every start; default ${DEFAULT-VALUE}.")
  int webPort;

  @Option(
      names = "--linger",
      description = "Keep running after the report (the instructors' pages and /metrics stay up,"
          + " /health says DONE) until Ctrl-C.")
  boolean linger;

  @Option(names = "--students", defaultValue = "400", paramLabel = "N", description = "Simulated students (default: ${DEFAULT-VALUE}).")
  int students;

  @Option(names = "--courses", defaultValue = "8", paramLabel = "N", description = "Courses (default: ${DEFAULT-VALUE}).")
  int courses;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the simulation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--speed",
      defaultValue = "250000",
      paramLabel = "X",
      description =
          "Simulated seconds per wall-clock second, or max (default: ${DEFAULT-VALUE}: a"
              + " 15-week term in about 40 seconds).")
  String speed;

  @Option(names = "--rules", paramLabel = "FILE", description = "Rule thresholds, YAML or .properties (docs/rules.md).")
  Path rules;

  @Option(
      names = "--keep-data",
      description =
          "Keep the embedded log in --embedded-dir and the alerting's state beside it, in"
              + " <that directory>-demo-state (default: in memory, gone at exit). A second run"
              + " resumes it; a log of another simulation (other --seed, --students or"
              + " --courses) is refused.")
  boolean keepData;

  @Option(names = "--quiet", description = "Do not print a line per alert.")
  boolean quiet;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  /** Healthy states of {@code /health}: the engine running, or the demo done and lingering. */
  static final Set<String> HEALTHY = Set.of("RUNNING", "DONE");

  /** Exit code after Ctrl-C or SIGTERM, as a shell reports a process ended by SIGINT. */
  static final int EXIT_STOPPED = 130;

  /** Counted down by the shutdown hook (Ctrl-C, SIGTERM). */
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  /** Counted down when everything is closed: the hook waits for it before the JVM halts. */
  private final CountDownLatch closed = new CountDownLatch(1);

  private volatile boolean done;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // What a user may have mistyped is refused before anything starts: before, --speed abc failed
    // after the engine had started and --web-port -1 was printed as http://127.0.0.1:-1/.
    Pacer pacer = Pacer.parse(speed);
    if (webPort < 0 || webPort > 65535) {
      throw new IllegalArgumentException(
          "--web-port " + webPort + " is not a port: give one from 1 to 65535 (0: any free one)");
    }
    metrics.check();
    boolean withWeb = databaseChosen(err);
    // The work directory holds the ground truth and (without --keep-data) the state: the help
    // promises "gone at exit".
    Path work = Files.createTempDirectory("coursepulse-demo");
    Thread hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              pacer.stop();
              try {
                // the demo closes in order (final checkpoint) on its own thread; the JVM halts
                // when this hook returns
                closed.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "coursepulse-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run(out, err, pacer, withWeb, work);
    } finally {
      BenchNamespace.deleteTree(work);
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns now that everything is closed
      }
    }
  }

  private int run(PrintWriter out, PrintWriter err, Pacer pacer, boolean withWeb, Path work)
      throws Exception {
    SimulationConfig config =
        SimulationConfig.defaults()
            .withSeed(seed)
            .withStudents(students)
            .withCourses(courses);
    Simulation simulation = new Simulation(config);
    Path groundTruth = work.resolve("ground-truth.csv");
    try (BufferedWriter w = Files.newBufferedWriter(groundTruth, StandardCharsets.UTF_8)) {
      simulation.writeGroundTruth(w);
    }
    Path stateDir = keepData ? keptStateDir() : work.resolve("state");
    String applicationId = "coursepulse-demo";
    RulesConfig rulesConfig = rules == null ? RulesConfig.DEFAULTS : RulesConfig.fromFile(rules);
    PrometheusMeterRegistry registry = MetricsServer.newRegistry(applicationId);
    try (StreamLog streams = openLog(err)) {
      for (String stream : StreamNames.INPUTS) {
        streams.createStream(stream, Retention.unlimited());
      }
      if (SimulationPublisher.holdsAnotherSimulation(simulation, streams)) {
        throw new IllegalStateException(
            "the demo's log (" + streams.describe() + ") holds another simulation (other --seed,"
                + " --students or --courses): its events and alerts would be scored against this"
                + " one's ground truth. Start over: " + startOver());
      }
      err.println(
          "demo: " + students + " students in " + courses + " courses, term of "
              + config.days() + " days at speed " + speed + " on " + streams.describe());
      AlertingApp.Settings settings =
          new AlertingApp.Settings(
              applicationId,
              stateDir,
              rulesConfig,
              OffsetSpec.first(),
              Duration.ofSeconds(10),
              false,
              StreamNames.ALERTS);
      try (AlertingApp app =
              AlertingApp.start(streams, settings, registry, quiet ? a -> {} : AlertingApp.printer(out));
          MetricsServer server =
              MetricsServer.startIfEnabled(
                  metrics, 9464, registry,
                  () -> done ? "DONE" : app.engine().state().name(), HEALTHY, err, "demo");
          DemoWeb web =
              withWeb ? DemoWeb.start(streams, db, webPort, groundTruth, registry, err) : null) {
        // the demo is producer and processor in one: one registry shows the whole dashboard
        ProducerMeters producerMeters = new ProducerMeters(registry);
        SimulationPublisher publisher =
            new SimulationPublisher(
                pacer,
                p -> {
                  producerMeters.update(p);
                  progress(err, p);
                });
        try {
          publisher.publish(simulation, streams);
        } catch (Pacer.Stopped stopped) {
          // closing the resources above stops the engine with a final checkpoint
          err.println(
              keepData
                  ? "demo: stopped; final checkpoint in " + stateDir
                      + " (run it again with the same options to resume)"
                  : "demo: stopped; nothing kept (with --keep-data a run can be resumed)");
          err.flush();
          return EXIT_STOPPED;
        }
        app.awaitQuiet(Duration.ofSeconds(2));
        app.close();
        app.throwIfFailed();
        if (web != null) {
          // the pages show the whole term when the report is printed
          web.awaitCaughtUp(streams, Duration.ofMinutes(2), err);
        }
        Evaluation.Report report =
            Evaluation.evaluate(StreamDump.bodies(streams, StreamNames.ALERTS), groundTruth);
        out.println();
        out.println(report.format(rulesConfig));
        out.flush();
        done = true;
        if (linger && stopRequested.getCount() > 0) {
          err.println(
              "demo: done; " + (web != null ? "the instructors' pages and " : "")
                  + (server != null ? "/metrics " : "") + "stay up until Ctrl-C");
          err.flush();
          stopRequested.await();
          err.println("demo: stopped");
          err.flush();
        }
      }
    }
    return 0;
  }

  /**
   * Whether the instructors' pages run, on a database given explicitly with {@code --jdbc-url}:
   * COURSEPULSE_JDBC_URL in the shell means a database for real work, and the demo must not
   * write a simulated term and a demo account into it (as with a configured RabbitMQ URI).
   */
  private boolean databaseChosen(PrintWriter err) {
    boolean given = db.jdbcUrl != null && !db.jdbcUrl.isBlank();
    boolean explicit = spec.commandLine().getParseResult().hasMatchedOption("--jdbc-url");
    if (given && explicit) {
      return true;
    }
    if (given) {
      err.println(
          "demo: COURSEPULSE_JDBC_URL is set, but the demo never writes into a database configured"
              + " for real work; give --jdbc-url explicitly to serve the instructors' pages (the"
              + " demo's tables go to schema " + DemoWeb.SCHEMA + ", emptied at every start)");
    } else {
      err.println("demo: instructors' pages are off: give --jdbc-url jdbc:postgresql://HOST:PORT/DB"
          + " (with PGUSER/PGPASSWORD) to serve them on http://127.0.0.1:" + webPort
          + "/ with a demo account");
    }
    err.flush();
    return false;
  }

  /** How to give the demo an empty log. */
  private String startOver() {
    if (log.broker == LogOptions.Broker.RABBITMQ) {
      return "delete the streams " + RABBITMQ_PREFIX + "01-Enrollment, -02-Login, -03-Activity and"
          + " -04-Alerts (rabbitmqctl delete_queue NAME -p VHOST) and " + keptStateDir()
          + " if present";
    }
    return "give another --embedded-dir, or delete " + log.embeddedDir + " and " + keptStateDir();
  }

  /**
   * Where {@code --keep-data} keeps the alerting's state: beside the log it belongs to and named
   * after it ({@code coursepulse-data/log-demo-state} for the default log), since a state
   * directory met by a second log is refused on restore. On RabbitMQ: one for the broker's demo.
   */
  private Path keptStateDir() {
    if (log.broker == LogOptions.Broker.RABBITMQ) {
      return Path.of("coursepulse-data", "rabbitmq-demo-state");
    }
    Path dir = log.embeddedDir.toAbsolutePath().normalize();
    Path name = dir.getFileName();
    return name == null
        ? dir.resolve("demo-state") // the file system's root: inside it
        : dir.resolveSibling(name + "-demo-state");
  }

  /** Prefix of the demo's streams on RabbitMQ: never the streams of real work. */
  static final String RABBITMQ_PREFIX = "coursepulse-demo-";

  /**
   * The embedded log unless {@code --broker rabbitmq} was given explicitly: a configured URI (say
   * COURSEPULSE_RABBITMQ_URI in the shell) means a broker for real work, and a demo must not write
   * a simulated term into its 01..04 streams. On RabbitMQ the demo uses its own stream names.
   */
  private StreamLog openLog(PrintWriter err) {
    if (log.broker == LogOptions.Broker.RABBITMQ) {
      return new PrefixedStreamLog(log.open(LogOptions.Broker.RABBITMQ), RABBITMQ_PREFIX);
    }
    if (log.broker != LogOptions.Broker.EMBEDDED
        && log.resolve(LogOptions.Broker.AUTO) == LogOptions.Broker.RABBITMQ) {
      err.println(
          "demo: a RabbitMQ URI is configured, but the demo runs on the embedded log so it never"
              + " writes into a broker meant for real work; give --broker rabbitmq to run it there"
              + " (streams " + RABBITMQ_PREFIX + "*)");
    }
    if (!keepData) {
      return EmbeddedStreamLog.inMemory();
    }
    return log.open(LogOptions.Broker.EMBEDDED);
  }

  private static void progress(PrintWriter err, Progress p) {
    err.println("demo: " + p.line());
    err.flush();
  }
}
