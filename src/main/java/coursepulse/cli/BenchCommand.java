package coursepulse.cli;

import coursepulse.engine.Topology;
import coursepulse.lms.simulator.SimulationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coursepulse bench}: the product against the raw client, in one run, so ratios hold on a
 * noisy machine. Rows, in order:
 *
 * <ol>
 *   <li>{@code raw-publish}: the stream-client publishing the simulated semester's pre-encoded
 *       events to one stream with confirms (on the embedded log: its writer);
 *   <li>{@code producer}: the simulator at speed max publishing the same events to the three input
 *       streams (generation and encoding included), ratio to raw-publish;
 *   <li>{@code raw-consume}: the stream-client reading the raw stream from the first offset with
 *       the engine readers' credit strategy and doing nothing (on the embedded log: its reader);
 *   <li>{@code processor}: the alerting application from the first offset until it has handled
 *       every event, ratio to raw-consume;
 *   <li>{@code raw-decode}: raw-consume plus decoding and validating every event;
 *   <li>{@code plain-java-rules}: raw-decode plus {@link PlainJavaRules}, a hand-written
 *       implementation of the same four rules on {@code HashMap}s (the physical limit);
 *   <li>{@code processor-heap}: processor with its key-value stores moved to the heap ({@link
 *       Topology#keyValueStoresOnHeap}), ratio to processor; the application keeps its state on
 *       the heap already (issue 19), so this equals processor and is kept to compare with runs
 *       of earlier builds;
 *   <li>{@code replay}: the {@code replay} command over the same inputs ({@link ReplayBench}),
 *       ratio to processor;
 *   <li>{@code e2e-latency-p50}, {@code -p99}: a fresh simulation published at a fixed rate while
 *       the application runs live; per event, the producer notes {@link System#nanoTime()} right
 *       before {@code append} under the event id, and the application, right after its alerting
 *       processor has handled the event (state updated, alerts forwarded to the sink), records
 *       the difference in an HdrHistogram. The first 10% of events (warm-up) are not recorded;
 *   <li>{@code alert-latency-p50}, {@code -p99}: the same run, from an event's append to an alert
 *       its handling emitted being readable in {@code 04-Alerts} ({@link AlertLatency});
 *   <li>{@code latency-run-checkpoints}: checkpoints taken during that run (every quarter of it);
 *   <li>{@code latency-run-alerts}: the alerts the alert-latency rows are measured over (after
 *       the warm-up); with none (a run that covers only a term's first days) those rows are
 *       unmeasured ({@code null}, not 0). The same six rows suffixed {@code -<rate>} for each
 *       of {@code --latency-rates};
 *   <li>{@code state-bytes-plain-java-rules}: heap used after full GCs with {@link
 *       PlainJavaRules} holding a mid-term semester of {@code --state-students} students (fed in
 *       event-time order, each event encoded and decoded), minus the same before, divided by the
 *       student-courses it holds: the hand-written limit's heap, the baseline of the next two;
 *   <li>{@code state-bytes-per-student-course}: heap used after full GCs with the application
 *       holding the same semester, minus the same after the engine is closed, divided by the
 *       tracked student-courses (the enrolment store's size);
 *   <li>{@code state-bytes-same-rules}: the same with the application's rules reduced to the
 *       four the hand-written rules implement ({@link PlainJavaRules#SAME_RULES}): their work,
 *       plus the risk score's signals, which the application keeps whichever rules are on;
 *       each of these three is unmeasured ({@code null}) when its difference is not positive, a
 *       term too small for the heap's granularity;
 *   <li>{@code recovery-seconds}: a new engine over that checkpoint, from {@code start()} to
 *       {@code RUNNING};
 *   <li>{@code state-sweep-bytes-<N>} and {@code state-sweep-events-<N>} for each {@code
 *       --state-sweep} size: heap bytes per student-course and events/s after {@code --state-days}
 *       of a term of N students ({@link StateSweepBench}).
 *   <li>{@code checkpoint-stall-ms-<N>}, {@code checkpoint-restore-seconds-<N>}: see {@link
 *       CheckpointBench}, only with {@code --checkpoint-sizes} or {@code --checkpoints-only} (which
 *       runs just these).
 * </ol>
 *
 * The four consume rows run {@code --rounds} times, interleaved (raw-consume, raw-decode,
 * plain-java-rules, processor, then again), each keeping its best round; each has this JVM's CPU
 * µs per event, the load average at its end and, for the baselines, the processor's ratio to it.
 * The throughput and latency rows run against the configured broker, each phase in a fresh
 * virtual host (RabbitMQ, created and deleted through the management API) or a fresh directory
 * (embedded); the state and recovery rows run on the in-memory embedded log (the hand-written
 * rules on none), since they measure the state, not I/O.
 */
@Command(
    name = "bench",
    header = "Measures throughput, latency, memory and recovery against raw stream-client baselines.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures, in one run: raw stream-client publish and consume, the simulator's publish rate,"
          + " the alerting application's processing rate (each as a ratio to its raw baseline),"
          + " end-to-end latency at a fixed rate, heap bytes per tracked student-course and"
          + " recovery time. Works in private virtual hosts / directories that it deletes.",
      ""
    })
final class BenchCommand implements Callable<Integer> {

  /** Every row a run prints, in order. */
  static final List<String> ROWS =
      List.of(
          "raw-publish",
          "producer",
          "raw-consume",
          "processor",
          "raw-decode",
          "plain-java-rules",
          "processor-same-rules",
          "processor-heap",
          "replay",
          ThreadsBench.row(1),
          ThreadsBench.row(2),
          ThreadsBench.row(4),
          "e2e-latency-p50",
          "e2e-latency-p99",
          "alert-latency-p50",
          "alert-latency-p99",
          "latency-run-checkpoints",
          "latency-run-alerts",
          StateBench.PLAIN_JAVA_RULES_ROW,
          "state-bytes-per-student-course",
          "state-bytes-same-rules",
          "recovery-seconds");

  @Spec CommandSpec spec;

  @Mixin LogOptions log;

  @Option(
      names = "--students",
      defaultValue = "2000",
      paramLabel = "N",
      description = "Students of the semester for the throughput rows (default: ${DEFAULT-VALUE}).")
  int students;

  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Use only the first N events of that semester (default: all of it).")
  Long events;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Rounds of the four consume phases (raw-consume, raw-decode, plain-java-rules,"
              + " processor), interleaved; each row keeps its best round (default:"
              + " ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--rate",
      defaultValue = "10000",
      paramLabel = "EVENTS_PER_S",
      description = "Producer rate of the latency run (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--latency-rates",
      split = ",",
      defaultValue = "1000,5000",
      paramLabel = "EVENTS_PER_S,...",
      description =
          "Further rates of the latency run, each a run of its own with rows suffixed by the rate;"
              + " 0 for none (default: ${DEFAULT-VALUE}).")
  List<Integer> latencyRates;

  @Option(
      names = "--latency-seconds",
      defaultValue = "20",
      paramLabel = "S",
      description = "Length of the latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(
      names = "--state-students",
      defaultValue = "100000",
      paramLabel = "N",
      description = "Students of the state-footprint and recovery run (default: ${DEFAULT-VALUE}).")
  int stateStudents;

  @Option(
      names = "--state-days",
      defaultValue = "7",
      paramLabel = "N",
      description =
          "Term days of that run: state is measured while every enrolment is live, before course"
              + " ends remove it (default: ${DEFAULT-VALUE}).")
  int stateDays;

  @Option(
      names = "--state-sweep",
      split = ",",
      defaultValue = "1000,20000",
      paramLabel = "N,...",
      description =
          "Students of each point of the state-size sweep, 0 for none (default:"
              + " ${DEFAULT-VALUE}).")
  List<Integer> stateSweep;

  @Option(
      names = "--management-url",
      paramLabel = "URL",
      description =
          "RabbitMQ management API, used to create and delete the private virtual hosts"
              + " (default: http://<stream host>:15672).")
  String managementUrl;

  @Option(
      names = "--oulad",
      paramLabel = "DIR",
      description =
          "Instead of the simulated rows: import every presentation of the OULAD tables in DIR and"
              + " process them, on the embedded log and on RabbitMQ, next to the raw publish and"
              + " consume of the same events (docs/oulad.md).")
  Path oulad;

  @Option(
      names = "--checkpoint-sizes",
      split = ",",
      paramLabel = "N,...",
      description =
          "Also the checkpoint rows (CheckpointBench) at these numbers of student-courses"
              + " (default: none; with --checkpoints-only: 20000,100000,1000000).")
  List<Integer> checkpointSizes;

  @Option(names = "--checkpoints-only", description = "Only the checkpoint rows (no broker needed).")
  boolean checkpointsOnly;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write machine and rows as JSON.")
  Path json;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private BenchReport report;

  @Override
  public Integer call() throws Exception {
    report = new BenchReport(spec.commandLine().getOut());
    LogOptions.Broker broker = log.resolve(LogOptions.Broker.RABBITMQ);
    Map<String, Object> machine = BenchReport.machine(broker, students, stateStudents, rate);
    report.line("bench %s on %s, %s cores, %s", runId, broker.name().toLowerCase(Locale.ROOT),
        machine.get("cores"), machine.get("java"));
    if (oulad != null) {
      new OuladBench(oulad, report).run(this::namespace);
    } else if (checkpointsOnly) {
      checkpointRows();
    } else {
      simulatedRows(broker);
    }
    report.finish(machine, json);
    return 0;
  }

  /** The default run: every row of {@link #ROWS}, the state sweep, and checkpoints if asked. */
  private void simulatedRows(LogOptions.Broker broker) throws Exception {
    Throughput throughput = new Throughput(report);
    SimulationConfig config = SimulationConfig.defaults().withStudents(students);
    int n =
        new ThroughputBench(rounds, throughput, report)
            .run(this::namespace, broker, config, events == null ? Long.MAX_VALUE : events);
    Path threadsDir = Files.createTempDirectory("coursepulse-bench-threads-");
    try {
      var byThreads = ThreadsBench.run(config, n, rounds, threadsDir, throughput);
      byThreads.forEach((t, m) -> report.addThroughput(ThreadsBench.row(t), m, ThreadsBench.row(1),
          byThreads.get(1), null));
    } finally {
      BenchNamespace.deleteTree(threadsDir);
    }
    LatencyBench latency = new LatencyBench(rate, latencySeconds, report);
    latency.run(this::namespace, broker, latency.liveConfig(config, students), "");
    for (int other : latencyRates) {
      if (other > 0 && other != rate) {
        LatencyBench at = new LatencyBench(other, latencySeconds, report);
        at.run(this::namespace, broker, at.liveConfig(config, students), "-" + other);
      }
    }
    new StateBench(stateStudents, stateDays, report).run();
    for (StateSweepBench.Point p :
        new StateSweepBench(stateDays, m -> report.progress("%s", m)).run(stateSweep)) {
      report.add("state-sweep-bytes-" + p.students(), p.bytesPerStudentCourse(), "bytes", null, 0);
      report.add("state-sweep-events-" + p.students(), p.eventsPerSecond(), "events/s", null, 0);
    }
    if (checkpointSizes != null) {
      checkpointRows();
    }
  }

  /** {@code checkpoint-stall-ms-<N>} and {@code checkpoint-restore-seconds-<N>} per size. */
  private void checkpointRows() throws Exception {
    List<Integer> sizes =
        checkpointSizes != null ? checkpointSizes : List.of(20_000, 100_000, 1_000_000);
    for (CheckpointBench.Result r : new CheckpointBench(spec.commandLine().getOut()).run(sizes)) {
      report.add("checkpoint-stall-ms-" + r.studentCourses(), r.pauseMaxMs(), "ms", null, 0);
      report.add(
          "checkpoint-restore-seconds-" + r.studentCourses(), r.restoreSeconds(), "s", null, 0);
    }
  }

  private BenchNamespace namespace(LogOptions.Broker broker, String phase) throws IOException {
    return BenchNamespace.open(broker, phase, log, managementUrl, runId, report);
  }
}
