package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.outcome.OutcomesFile;
import coursepulse.lms.simulator.ActivityProfile;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.simulator.PersonaMix;
import coursepulse.lms.publish.Progress;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse produce}: simulates a semester and publishes it, or writes it as NDJSON. */
@Command(
    name = "produce",
    header = "Simulates students (calibrated on OULAD) and publishes their events.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulates students in term-long courses (behaviour calibrated on the OULAD dataset) and"
          + " publishes their events to 01-Enrollment, 02-Login and 03-Activity.",
      "The same options give the same events byte for byte; a producer restarted with the same"
          + " options resumes where the log stopped, without duplicates.",
      ""
    })
public final class ProduceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin LogOptions logOptions;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start",
      defaultValue = "2026-09-07",
      paramLabel = "DATE",
      description = "The day the term starts, any weekday (default: ${DEFAULT-VALUE}, fixed so output is reproducible); enrolments come before it, courses start on it or up to six days later.")
  LocalDate start;

  @Option(names = "--days", paramLabel = "N", description = "Term days to simulate (default: the whole term, 7 x --term-weeks).")
  Integer days;

  @Option(names = "--term-weeks", defaultValue = "15", paramLabel = "N", description = "Term length; each course runs within it with its own length and cadence (default: ${DEFAULT-VALUE}).")
  int termWeeks;

  @Option(names = "--students", defaultValue = "2000", paramLabel = "N", description = "Number of students (default: ${DEFAULT-VALUE}).")
  int students;

  @Option(names = "--courses", defaultValue = "20", paramLabel = "N", description = "Number of courses (default: ${DEFAULT-VALUE}).")
  int courses;

  @Option(names = "--max-courses-per-student", defaultValue = "3", paramLabel = "N", description = "Each student takes 1 to N courses (default: ${DEFAULT-VALUE}).")
  int maxCoursesPerStudent;

  @Option(
      names = "--persona-mix",
      defaultValue = "oulad",
      paramLabel = "MIX",
      description = "Persona shares, e.g. engaged=0.3,ghost=0.1,... or 'oulad' (default: derived from OULAD final results, see docs/simulator.md).")
  String personaMix;

  @Option(names = "--speed", defaultValue = "max", paramLabel = "X", description = "Simulated seconds per wall-clock second, or max (default: ${DEFAULT-VALUE}).")
  String speed;

  @Option(names = "--ground-truth", paramLabel = "FILE", description = "Also write studentId,courseId,persona,disengagedAt per student and course to FILE.")
  Path groundTruth;

  @Option(
      names = "--outcomes",
      paramLabel = "FILE",
      description =
          "Also write studentId,courseId,finalResult,withdrawnAt per student and course to FILE"
              + " (disengaged and dropped: Withdrawn; disengaged: Fail; else Pass), for evaluate --outcomes.")
  Path outcomes;

  @Option(
      names = "--calibration-report",
      description =
          "Print the simulation's activity gaps, active days per week and decline before withdrawal"
              + " next to OULAD's (--oulad, --oulad-presentation) and exit without producing.")
  boolean calibrationReport;

  @Option(names = "--oulad", defaultValue = "../shared/oulad", paramLabel = "DIR", description = "OULAD tables for --calibration-report (default: ${DEFAULT-VALUE}).")
  Path oulad;

  @Option(names = "--oulad-presentation", defaultValue = "2013B", paramLabel = "CODE", description = "Presentations compared by --calibration-report: 2013B (calibration) or 2013J (check) (default: ${DEFAULT-VALUE}).")
  String ouladPresentation;

  @Option(names = "--dry-run", description = "Write NDJSON (one event per line, global event-time order) instead of publishing.")
  boolean dryRun;

  @Option(names = "--output", defaultValue = "-", paramLabel = "FILE", description = "NDJSON destination, only with --dry-run; - is stdout (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(
      names = "--retry-for",
      defaultValue = "10m",
      converter = Sizes.DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "After a log failure (broker restart, lost connection, refused or unconfirmed append),"
              + " keep retrying this long, resuming after the last event the log stored; 0 fails"
              + " at once (default: ${DEFAULT-VALUE}).")
  Duration retryFor;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Option(
      names = "--linger",
      description =
          "After the last event, keep running (and serving /metrics) until stopped, so the"
              + " final counts stay scrapeable; for containers.")
  boolean linger;

  @picocli.CommandLine.Mixin MetricsOptions metrics = MetricsOptions.defaultPort(9465);

  /** Producer states reported by /health: STARTING, RUNNING, DONE (healthy), FAILED. */
  static final java.util.Set<String> HEALTHY = java.util.Set.of("RUNNING", "DONE");

  private volatile String state = "STARTING";

  private final Supplier<StreamLog> logSupplier;

  /** Used by picocli: the log comes from {@code --broker}/{@code --uri} (default RabbitMQ). */
  public ProduceCommand() {
    this(null);
  }

  /** Publishes to the log the supplier opens (tests, embedding). */
  public ProduceCommand(Supplier<StreamLog> logSupplier) {
    this.logSupplier = logSupplier;
  }

  @Override
  public Integer call() throws IOException {
    try {
      return produce();
    } catch (OutOfMemoryError e) {
      // The cursors of every student are held at once (docs/simulator.md, "Scale"); once this
      // frame is left they are garbage, so there is room to say so in one line.
      throw new IllegalStateException(
          String.format(java.util.Locale.ROOT,
              "out of memory simulating %,d students with a maximum heap of %,d MB (a few hundred"
                  + " bytes per student are held for the whole run): lower --students or give"
                  + " java a larger -Xmx", students, Runtime.getRuntime().maxMemory() >> 20));
    }
  }

  private Integer produce() throws IOException {
    if (!dryRun && spec.commandLine().getParseResult().hasMatchedOption("--output")) {
      // Without --dry-run the events go to the log: the file would silently stay unwritten.
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--output writes NDJSON only with --dry-run: add --dry-run to write " + output
              + " instead of publishing, or leave --output out to publish to the log");
    }
    SimulationConfig config =
        new SimulationConfig(
            seed,
            start,
            days == null ? termWeeks * 7 : days,
            students,
            courses,
            maxCoursesPerStudent,
            termWeeks,
            PersonaMix.parse(personaMix));
    Simulation simulation = new Simulation(config);
    PrintWriter err = spec.commandLine().getErr();
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-producer");
    ProducerMeters meters = new ProducerMeters(registry);
    SimulationPublisher publisher =
        new SimulationPublisher(
            Pacer.parse(speed),
            p -> {
              meters.update(p);
              if (!quiet || p.done()) {
                err.println(p.line());
                err.flush();
              }
            })
            // a second simulation appended to the first's streams doubled the term (review)
            .refusingEarlierFeeds();
    if (calibrationReport) {
      PrintWriter out = spec.commandLine().getOut();
      ActivityProfile real;
      try {
        real = ActivityProfile.fromOulad(oulad, ouladPresentation);
      } catch (ActivityProfile.NoSuchPresentationException e) {
        err.println("produce: " + e.getMessage() + ": give one of those as --oulad-presentation");
        return 2;
      } catch (IOException e) {
        err.println("produce: cannot read OULAD: " + e.getMessage() + " (use --oulad DIR)");
        return 2;
      }
      real.printComparison(ActivityProfile.fromSimulation(simulation), out);
      return 0;
    }
    if (groundTruth != null) {
      writeGroundTruth(simulation, groundTruth);
    }
    if (outcomes != null) {
      Path parent = outcomes.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      OutcomesFile.write(outcomes, simulation.outcomes());
    }
    if (dryRun) {
      if (output.equals("-")) {
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        publisher.writeNdjson(simulation, out);
      } else {
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(output), 1 << 16)) {
          publisher.writeNdjson(simulation, out);
        }
      }
      return 0;
    }
    // --dry-run is a pipe, not a service: only publishing serves /metrics (default port 9465)
    try (MetricsServer server =
            MetricsServer.startIfEnabled(metrics, 9465, registry, () -> state, HEALTHY, err, "produce");
        StreamLog log = openLog()) {
      err.println(
          "producing " + config.students() + " students, " + config.courses() + " courses to "
              + log.describe() + " as " + config.producerName());
      try {
        state = "RUNNING";
        Republish.untilDone(() -> publisher.publish(simulation, log), retryFor, err);
        state = "DONE";
      } catch (RuntimeException e) {
        state = "FAILED";
        throw e;
      }
      if (linger) {
        err.println("produce: done; lingering until stopped (--linger)");
        err.flush();
        awaitTermination();
      }
    }
    return 0;
  }

  /** Blocks until the JVM begins to shut down (SIGTERM, SIGINT). */
  private static void awaitTermination() {
    CountDownLatch stopping = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stopping::countDown, "coursepulse-linger"));
    try {
      stopping.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private StreamLog openLog() {
    if (logSupplier != null) {
      return logSupplier.get();
    }
    return logOptions.open(LogOptions.Broker.RABBITMQ);
  }

  private static void writeGroundTruth(Simulation simulation, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      simulation.writeGroundTruth(w);
    }
  }

}
