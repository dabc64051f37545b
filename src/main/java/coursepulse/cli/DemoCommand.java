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
import java.util.concurrent.Callable;
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
          "Port of the instructors' pages, served when a PostgreSQL database is configured"
              + " (--jdbc-url or COURSEPULSE_JDBC_URL); default ${DEFAULT-VALUE}.")
  int webPort;

  @Option(
      names = "--linger",
      description = "Keep running after the report (the instructors' pages stay up) until"
          + " Ctrl-C.")
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
              + " <that directory>-demo-state (default: in memory, gone at exit).")
  boolean keepData;

  @Option(names = "--quiet", description = "Do not print a line per alert.")
  boolean quiet;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SimulationConfig config =
        SimulationConfig.defaults()
            .withSeed(seed)
            .withStudents(students)
            .withCourses(courses);
    Simulation simulation = new Simulation(config);
    Path work = Files.createTempDirectory("coursepulse-demo");
    Path groundTruth = work.resolve("ground-truth.csv");
    try (BufferedWriter w = Files.newBufferedWriter(groundTruth, StandardCharsets.UTF_8)) {
      simulation.writeGroundTruth(w);
    }
    Path stateDir = keepData ? keptStateDir() : work.resolve("state");
    String applicationId = "coursepulse-demo";
    PrometheusMeterRegistry registry = MetricsServer.newRegistry(applicationId);
    try (StreamLog streams = openLog(err)) {
      for (String stream : StreamNames.INPUTS) {
        streams.createStream(stream, Retention.unlimited());
      }
      err.println(
          "demo: " + students + " students in " + courses + " courses, term of "
              + config.days() + " days at speed " + speed + " on " + streams.describe());
      AlertingApp.Settings settings =
          new AlertingApp.Settings(
              applicationId,
              stateDir,
              rules == null ? RulesConfig.DEFAULTS : RulesConfig.fromFile(rules),
              OffsetSpec.first(),
              Duration.ofSeconds(10),
              false,
              StreamNames.ALERTS);
      try (AlertingApp app =
              AlertingApp.start(streams, settings, registry, quiet ? a -> {} : AlertingApp.printer(out));
          MetricsServer server =
              MetricsServer.startIfEnabled(
                  metrics, 9464, registry, () -> app.engine().state().name(), err, "demo");
          DemoWeb web = startWeb(streams, groundTruth, registry, err)) {
        // the demo is producer and processor in one: one registry shows the whole dashboard
        ProducerMeters producerMeters = new ProducerMeters(registry);
        SimulationPublisher publisher =
            new SimulationPublisher(
                Pacer.parse(speed),
                p -> {
                  producerMeters.update(p);
                  progress(err, p);
                });
        publisher.publish(simulation, streams);
        app.awaitQuiet(Duration.ofSeconds(2));
        app.close();
        app.throwIfFailed();
        Evaluation.Report report =
            Evaluation.evaluate(StreamDump.bodies(streams, StreamNames.ALERTS), groundTruth);
        out.println();
        out.println(report.format());
        out.flush();
        if (linger && web != null) {
          err.println("demo: done; the instructors' pages stay up until Ctrl-C");
          err.flush();
          new java.util.concurrent.CountDownLatch(1).await();
        }
      }
    }
    return 0;
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

  /** The instructors' pages when a database is configured; else one line on how to get them. */
  private DemoWeb startWeb(StreamLog streams, Path groundTruth, PrometheusMeterRegistry registry,
      PrintWriter err) throws Exception {
    if (db.jdbcUrl == null || db.jdbcUrl.isBlank()) {
      err.println("demo: instructors' pages are off: give --jdbc-url jdbc:postgresql://HOST:PORT/DB"
          + " (or COURSEPULSE_JDBC_URL, with PGUSER/PGPASSWORD) to serve them on"
          + " http://127.0.0.1:" + webPort + "/ with a demo account");
      err.flush();
      return null;
    }
    return DemoWeb.start(streams, db, webPort, groundTruth, registry, err);
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
