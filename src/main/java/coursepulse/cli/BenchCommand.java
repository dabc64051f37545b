package coursepulse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.Topology;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.io.rabbit.RabbitBench;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.oulad.OuladCalendar;
import coursepulse.lms.oulad.OuladImport;
import coursepulse.lms.publish.EventPublisher;
import coursepulse.lms.publish.PublishableEvent;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import coursepulse.lms.simulator.SimulationRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
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
 *   <li>{@code state-bytes-per-student-course}: heap used after full GCs with the application
 *       holding a mid-term semester of {@code --state-students} students, minus the same after
 *       the engine is closed, divided by the tracked student-courses (the enrolment store's size);
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
 * Rows 1–7 run against the configured broker, each phase in a fresh virtual host (RabbitMQ,
 * created and deleted through the management API) or a fresh directory (embedded); the last two run
 * on the in-memory embedded log, since they measure the engine's state, not I/O.
 */
@Command(
    name = "bench",
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

  /**
   * One measured value.
   *
   * @param name what was measured, e.g. {@code processor}
   * @param value the measurement
   * @param unit its unit, e.g. {@code events/s}
   * @param baseline name of the row it is compared with, or {@code null}
   * @param ratio {@code value / baseline value}, or {@code null}
   * @param processorRatio for the throughput baselines: the {@code processor} row's rate divided
   *     by this row's, or {@code null}
   * @param cpuMicrosPerEvent CPU time of this JVM (all its threads) per event during the
   *     measurement, or {@code null} (the broker's CPU is not included)
   * @param loadAverage the machine's one-minute load average when the measurement ended, or
   *     {@code null}
   */
  record BenchRow(
      String name,
      double value,
      String unit,
      String baseline,
      Double ratio,
      Double processorRatio,
      Double cpuMicrosPerEvent,
      Double loadAverage) {}

  /** One timed throughput phase: events per second, CPU µs per event, load average at its end. */
  record Measured(double rate, double cpuMicrosPerEvent, double loadAverage) {
    Measured best(Measured other) {
      return other == null || rate >= other.rate ? this : other;
    }
  }

  /** Every row a run prints, in order. */
  static final List<String> ROWS =
      List.of(
          "raw-publish",
          "producer",
          "raw-consume",
          "processor",
          "raw-decode",
          "plain-java-rules",
          "processor-heap",
          "replay",
          ThreadsBench.row(1),
          ThreadsBench.row(2),
          ThreadsBench.row(4),
          "e2e-latency-p50",
          "e2e-latency-p99",
          "state-bytes-per-student-course",
          "recovery-seconds");

  private static final Duration WAIT = Duration.ofMinutes(15);

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

  private final List<BenchRow> rows = new ArrayList<>();
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    LogOptions.Broker broker = log.resolve(LogOptions.Broker.RABBITMQ);
    Map<String, Object> machine = machine(broker);
    out.printf("bench %s on %s, %s cores, %s%n", runId, broker.name().toLowerCase(Locale.ROOT),
        machine.get("cores"), machine.get("java"));
    out.flush();
    if (oulad != null) {
      ouladRows();
      return finish(machine);
    }
    if (checkpointsOnly) {
      checkpointRows();
      return finish(machine);
    }

    SimulationConfig config = SimulationConfig.defaults().withStudents(students);
    List<byte[]> bodies = encode(new Simulation(config), events == null ? Long.MAX_VALUE : events);
    int n = bodies.size();
    long bytes = 0;
    for (byte[] b : bodies) {
      bytes += b.length;
    }
    progress("semester of %,d students: %,d events, %.0f bytes on average", students, n,
        bytes / (double) n);

    double rawPublish;
    double producer;
    Measured rawConsume = null;
    Measured rawDecode = null;
    Measured plainRules = null;
    Measured processor = null;
    Measured processorHeap = null;
    Measured replay = null;
    try (Namespace ns = namespace(broker, "throughput")) {
      StreamLog streams = ns.log();
      streams.createStream("bench-raw", Retention.unlimited());
      rawPublish = rate(n, rawPublish(streams, bodies));
      bodies = null; // let the pre-encoded copies go before the application runs
      progress("raw-publish %,.0f events/s", rawPublish);
      long t0 = System.nanoTime();
      Progress p =
          new SimulationPublisher(Pacer.unlimited(), x -> {})
              .publish(new Simulation(config), streams, n);
      producer = rate(n, System.nanoTime() - t0);
      progress("producer %,.0f events/s (%d events)", producer, total(p));
      // Interleaved rounds: a burst of load from other processes hits every phase alike.
      for (int round = 1; round <= rounds; round++) {
        rawConsume = measure("raw-consume", round, n, () -> consume(streams, "bench-raw", n, b -> {}))
            .best(rawConsume);
        rawDecode =
            measure("raw-decode", round, n, () -> consume(streams, "bench-raw", n, BenchCommand::decode))
                .best(rawDecode);
        PlainJavaRules plain = new PlainJavaRules(RulesConfig.DEFAULTS);
        plainRules =
            measure("plain-java-rules", round, n,
                    () -> consume(streams, "bench-raw", n, b -> plain.accept(EventCodec.decode(b))))
                .best(plainRules);
        progress("plain-java-rules: %,d alerts opened or resolved", plain.alerts());
        int r = round;
        processor =
            measure("processor", round, n,
                    () -> processAll(streams, ns.stateDir().resolve("round-" + r), "bench-" + r, n,
                        false))
                .best(processor);
        processorHeap =
            measure("processor-heap", round, n,
                    () -> processAll(streams, ns.stateDir().resolve("heap-" + r), "bench-heap-" + r,
                        n, true))
                .best(processorHeap);
        replay =
            measure("replay", round, n,
                    () -> ReplayBench.replayAll(
                        streams, ns.stateDir().resolve("replay-" + r), "bench-replay-" + r, n))
                .best(replay);
      }
    }
    add("raw-publish", rawPublish, "events/s", null, 0);
    add("producer", producer, "events/s", "raw-publish", rawPublish);
    addThroughput("raw-consume", rawConsume, null, null, processor);
    addThroughput("processor", processor, "raw-consume", rawConsume, null);
    addThroughput("raw-decode", rawDecode, "raw-consume", rawConsume, processor);
    addThroughput("plain-java-rules", plainRules, "raw-decode", rawDecode, processor);
    addThroughput("processor-heap", processorHeap, "processor", processor, null);
    addThroughput("replay", replay, "processor", processor, null);
    Path threadsDir = Files.createTempDirectory("coursepulse-bench-threads-");
    try {
      var byThreads = ThreadsBench.run(config, n, rounds, threadsDir, this::measure);
      byThreads.forEach((t, m) -> addThroughput(ThreadsBench.row(t), m, ThreadsBench.row(1),
          byThreads.get(1), null));
    } finally {
      deleteTree(threadsDir);
    }

    Histogram latency;
    // A semester has about 350 events per student: enough students to last the whole run.
    SimulationConfig live =
        config
            .withSeed(config.seed() + 1)
            .withStudents(Math.max(students, (int) ((long) rate * latencySeconds / 250) + 1));
    try (Namespace ns = namespace(broker, "latency")) {
      latency = latency(ns.log(), ns.stateDir(), live);
    }
    add("e2e-latency-p50", latency.getValueAtPercentile(50) / 1000.0, "ms", null, 0);
    add("e2e-latency-p99", latency.getValueAtPercentile(99) / 1000.0, "ms", null, 0);

    Path stateDir = Files.createTempDirectory("coursepulse-bench-state-");
    try (StreamLog memory = EmbeddedStreamLog.inMemory()) {
      double[] state = state(memory, stateDir);
      add("state-bytes-per-student-course", state[0], "bytes", null, 0);
      add("recovery-seconds", recovery(memory, stateDir), "s", null, 0);
    } finally {
      deleteTree(stateDir);
    }
    for (StateSweepBench.Point p : new StateSweepBench(stateDays, m -> progress("%s", m)).run(stateSweep)) {
      add("state-sweep-bytes-" + p.students(), p.bytesPerStudentCourse(), "bytes", null, 0);
      add("state-sweep-events-" + p.students(), p.eventsPerSecond(), "events/s", null, 0);
    }
    if (checkpointSizes != null) {
      checkpointRows();
    }
    return finish(machine);
  }

  /** {@code checkpoint-stall-ms-<N>} and {@code checkpoint-restore-seconds-<N>} per size. */
  private void checkpointRows() throws Exception {
    List<Integer> sizes =
        checkpointSizes != null ? checkpointSizes : List.of(20_000, 100_000, 1_000_000);
    for (CheckpointBench.Result r : new CheckpointBench(out).run(sizes)) {
      add("checkpoint-stall-ms-" + r.studentCourses(), r.pauseMaxMs(), "ms", null, 0);
      add("checkpoint-restore-seconds-" + r.studentCourses(), r.restoreSeconds(), "s", null, 0);
    }
  }

  private int finish(Map<String, Object> machine) throws IOException {
    printTable();
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("machine", machine);
      doc.put("rows", rows);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
      out.println("written to " + json);
    }
    out.flush();
    return 0;
  }

  /** The rows measured so far, in order. */
  List<BenchRow> rows() {
    return rows;
  }

  // ------------------------------------------------------------------ phases

  /**
   * The real-data rows: the whole dataset imported and processed on the embedded log and on
   * RabbitMQ, each next to the raw client publishing and reading the same events pre-encoded.
   */
  private void ouladRows() throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    try (OuladImport feed = OuladImport.open(oulad, List.of(), OuladCalendar.standard())) {
      for (PublishableEvent e = feed.next(); e != null; e = feed.next()) {
        bodies.add(e.toJson());
      }
      progress("OULAD %s: %,d events %s", feed.courseIds(), bodies.size(), feed.counts());
    }
    int n = bodies.size();
    for (LogOptions.Broker broker : List.of(LogOptions.Broker.EMBEDDED, LogOptions.Broker.RABBITMQ)) {
      String on = "-" + broker.name().toLowerCase(Locale.ROOT);
      try (Namespace ns = namespace(broker, "oulad")) {
        StreamLog streams = ns.log();
        streams.createStream("bench-raw", Retention.unlimited());
        double rawPublish = rate(n, rawPublish(streams, bodies));
        progress("oulad-raw-publish%s %,.0f events/s", on, rawPublish);
        long t0 = System.nanoTime();
        try (OuladImport feed = OuladImport.open(oulad, List.of(), OuladCalendar.standard())) {
          new EventPublisher(Pacer.unlimited(), x -> {}).publish(feed, feed.producerName(), streams);
        }
        double imported = rate(n, System.nanoTime() - t0);
        progress("oulad-import%s %,.0f events/s", on, imported);
        double rawConsume = rate(n, consume(streams, "bench-raw", n, body -> {}));
        progress("oulad-raw-consume%s %,.0f events/s", on, rawConsume);
        double processed = rate(n, processAll(streams, ns.stateDir(), "bench", n, false));
        progress("oulad-process%s %,.0f events/s", on, processed);
        add("oulad-raw-publish" + on, rawPublish, "events/s", null, 0);
        add("oulad-import" + on, imported, "events/s", "oulad-raw-publish" + on, rawPublish);
        add("oulad-raw-consume" + on, rawConsume, "events/s", null, 0);
        add("oulad-process" + on, processed, "events/s", "oulad-raw-consume" + on, rawConsume);
      }
    }
  }

  private static List<byte[]> encode(Simulation simulation, long max) {
    List<byte[]> bodies = new ArrayList<>();
    SimulationRun run = simulation.run();
    for (SimEvent e = run.next(); e != null && bodies.size() < max; e = run.next()) {
      bodies.add(e.toJson());
    }
    return bodies;
  }

  private static long rawPublish(StreamLog streams, List<byte[]> bodies)
      throws InterruptedException {
    if (streams instanceof RabbitStreamLog rabbit) {
      return RabbitBench.rawPublish(rabbit, "bench-raw", bodies);
    }
    try (LogWriter writer = streams.writer("bench-raw", "bench-raw")) {
      long start = System.nanoTime();
      long id = 0;
      for (byte[] b : bodies) {
        writer.append(++id, b);
      }
      writer.flush(WAIT);
      return System.nanoTime() - start;
    }
  }

  interface Timed {
    long nanos() throws InterruptedException;
  }

  /** Runs one phase, with this JVM's CPU time and the load average around it. */
  private Measured measure(String name, int round, long n, Timed phase)
      throws InterruptedException {
    long cpu0 = processCpuNanos();
    long nanos = phase.nanos();
    long cpu = processCpuNanos() - cpu0;
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Measured m = new Measured(rate(n, nanos), cpu < 0 ? Double.NaN : cpu / 1000.0 / n, load);
    progress("round %d %s %,.0f events/s, %.1f CPU µs/event, load average %.1f", round, name,
        m.rate(), m.cpuMicrosPerEvent(), load);
    return m;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  /** The {@code raw-decode} work: decoding and validating an event, result kept alive. */
  private static void decode(byte[] body) {
    decoded = EventCodec.decode(body);
  }

  @SuppressWarnings("unused")
  private static volatile LmsEvent decoded;

  /**
   * Reads {@code n} messages of {@code stream} from the first, handing each body to {@code
   * onBody}: the raw stream-client with the engine readers' flow strategy on RabbitMQ, a {@link
   * LogReader} loop on the embedded log.
   */
  private static long consume(StreamLog streams, String stream, int n, Consumer<byte[]> onBody)
      throws InterruptedException {
    if (streams instanceof RabbitStreamLog rabbit) {
      return RabbitBench.rawConsume(rabbit, stream, n, onBody);
    }
    long start = System.nanoTime();
    try (LogReader reader = streams.reader(stream, OffsetSpec.first())) {
      int read = 0;
      while (read < n) {
        LogMessage m = reader.poll(Duration.ofMillis(100));
        if (m != null) {
          onBody.accept(m.body());
          read++;
        } else if (System.nanoTime() - start > WAIT.toNanos()) {
          throw new IllegalStateException("raw consume got " + read + " of " + n);
        }
      }
    }
    return System.nanoTime() - start;
  }

  /** Nanoseconds from engine start until the alerting processor has handled {@code n} events. */
  private long processAll(
      StreamLog streams, Path stateDir, String applicationId, long n, boolean heapStores)
      throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    long start = System.nanoTime();
    try (StreamEngine engine =
        startApp(
            streams, stateDir, applicationId, e -> handled.lazySet(handled.get() + 1), null,
            heapStores)) {
      awaitHandled(engine, handled, n, "processor");
      return System.nanoTime() - start;
    }
  }

  private Histogram latency(StreamLog streams, Path stateDir, SimulationConfig config)
      throws InterruptedException {
    long total = (long) rate * latencySeconds;
    long warmup = total / 10;
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    AtomicLong handled = new AtomicLong();
    Consumer<LmsEvent> onEvent =
        e -> {
          Long t0 = sentAt.remove(e.eventId());
          if (t0 != null) {
            histogram.recordValue(
                Math.min(histogram.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
          }
          handled.lazySet(handled.get() + 1);
        };
    for (String s : StreamNames.INPUTS) {
      streams.createStream(s, Retention.unlimited());
    }
    try (StreamEngine engine = startApp(streams, stateDir, "bench-live", onEvent, null, false)) {
      awaitRunning(engine);
      LogWriter[] writers = new LogWriter[StreamNames.INPUTS.size()];
      try {
        for (int s = 0; s < writers.length; s++) {
          writers[s] = streams.writer(StreamNames.INPUTS.get(s), "bench-live");
        }
        SimulationRun run = new Simulation(config).run();
        long sent = 0;
        long start = System.nanoTime();
        double nanosPerEvent = 1e9 / rate;
        for (SimEvent e = run.next(); e != null && sent < total; e = run.next()) {
          byte[] body = e.toJson();
          long due = start + (long) (sent * nanosPerEvent);
          long now;
          while ((now = System.nanoTime()) < due) {
            LockSupport.parkNanos(due - now);
          }
          if (sent >= warmup) {
            sentAt.put(e.eventId(), System.nanoTime());
          }
          writers[e.streamIndex()].append(e.sequence() + 1, body);
          sent++;
        }
        double achieved = sent * 1e9 / (System.nanoTime() - start);
        for (LogWriter w : writers) {
          w.flush(WAIT);
        }
        awaitHandled(engine, handled, sent, "latency");
        progress(
            "latency at %,.0f events/s (%,d events, first %,d not recorded): p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms",
            achieved, sent, warmup, histogram.getValueAtPercentile(50) / 1000.0,
            histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
      } finally {
        for (LogWriter w : writers) {
          if (w != null) {
            w.close();
          }
        }
      }
    }
    return histogram;
  }

  /** {bytes per student-course, student-courses}. */
  private double[] state(StreamLog memory, Path stateDir) throws InterruptedException {
    SimulationConfig config =
        SimulationConfig.defaults().withStudents(stateStudents).withDays(stateDays);
    Progress p = new SimulationPublisher(Pacer.unlimited(), x -> {}).publish(new Simulation(config), memory);
    long n = total(p);
    progress("state: %,d students, %d term days, %,d events published", stateStudents, stateDays, n);
    long[] loaded = runToEndAndMeasure(memory, stateDir, n);
    long without = usedHeapAfterGc();
    double perPair = (loaded[0] - without) / (double) loaded[1];
    progress("state: heap %,d bytes with the stores, %,d without; %,d student-courses: %.0f bytes each",
        loaded[0], without, loaded[1], perPair);
    return new double[] {perPair, loaded[1]};
  }

  /** Runs the engine to the end of the log; {used heap with its state, student-courses}. */
  private long[] runToEndAndMeasure(StreamLog memory, Path stateDir, long n)
      throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    MeterRegistry registry = new SimpleMeterRegistry();
    long start = System.nanoTime();
    try (StreamEngine engine =
        startApp(memory, stateDir, "bench-state", e -> handled.lazySet(handled.get() + 1),
            registry, false)) {
      awaitHandled(engine, handled, n, "state");
      progress("state: processed in %.1f s (%,.0f events/s, embedded log)",
          (System.nanoTime() - start) / 1e9, rate(n, System.nanoTime() - start));
      Gauge entries =
          registry.find("coursepulse.engine.store.entries").tag("store", "risk-enrollments").gauge();
      long pairs = entries == null ? 0 : (long) entries.value();
      if (pairs == 0) {
        throw new IllegalStateException("no tracked student-course to measure");
      }
      return new long[] {usedHeapAfterGc(), pairs};
    }
  }

  private double recovery(StreamLog memory, Path stateDir) throws InterruptedException {
    long start = System.nanoTime();
    try (StreamEngine engine = startApp(memory, stateDir, "bench-state", e -> {}, null, false)) {
      awaitRunning(engine);
      double seconds = (System.nanoTime() - start) / 1e9;
      progress("recovery: RUNNING after %.2f s", seconds);
      return seconds;
    }
  }

  // ------------------------------------------------------------------ helpers

  static StreamEngine startApp(
      StreamLog streams,
      Path stateDir,
      String applicationId,
      Consumer<LmsEvent> afterEvent,
      MeterRegistry registry,
      boolean heapStores) {
    RiskTopology.Options options = RiskTopology.Options.forApplication(applicationId);
    for (String s : StreamNames.INPUTS) {
      streams.createStream(s, Retention.unlimited());
    }
    for (String s :
        new String[] {
          StreamNames.ALERTS, options.deadLetterStream(), StreamNames.deadLetters(applicationId)
        }) {
      streams.createStream(s, Retention.unlimited());
    }
    Topology topology = RiskTopology.buildObserved(options, StreamNames.ALERTS, afterEvent);
    if (heapStores) {
      topology.keyValueStoresOnHeap();
    }
    StreamEngine.Builder builder =
        StreamEngine.builder()
            .applicationId(applicationId)
            .topology(topology)
            .log(streams)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first());
    if (registry != null) {
      builder.meterRegistry(registry);
    }
    StreamEngine engine = builder.build();
    engine.start();
    return engine;
  }

  static void awaitHandled(StreamEngine engine, AtomicLong handled, long n, String what)
      throws InterruptedException {
    // the real-data rows process millions of events: at least 1,000 events/s before giving up
    long deadline = System.nanoTime() + Math.max(WAIT.toNanos(), n * 1_000_000L);
    while (handled.get() < n) {
      failIfStopped(engine, what);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": handled " + handled.get() + " of " + n);
      }
      Thread.sleep(1);
    }
  }

  private static void awaitRunning(StreamEngine engine) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (engine.state() != StreamEngine.State.RUNNING) {
      failIfStopped(engine, "start");
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("engine not RUNNING: " + engine.state());
      }
      Thread.sleep(1);
    }
  }

  private static void failIfStopped(StreamEngine engine, String what) {
    StreamEngine.State s = engine.state();
    if (s == StreamEngine.State.ERROR || s == StreamEngine.State.STOPPED) {
      throw new IllegalStateException(
          what + ": engine " + s + engine.failure().map(t -> ": " + t).orElse(""));
    }
  }

  static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  static long total(Progress p) {
    long t = 0;
    for (long s : p.sent()) {
      t += s;
    }
    return t;
  }

  private static double rate(long n, long nanos) {
    return n * 1e9 / nanos;
  }

  /** A private place for one phase: its own virtual host or directory, deleted on close. */
  private interface Namespace extends AutoCloseable {
    StreamLog log();

    Path stateDir();

    @Override
    void close() throws IOException;
  }

  private Namespace namespace(LogOptions.Broker broker, String phase) throws IOException {
    Path root = Files.createTempDirectory("coursepulse-bench-" + phase + "-");
    Path state = root.resolve("state");
    if (broker == LogOptions.Broker.EMBEDDED) {
      EmbeddedStreamLog embedded = EmbeddedStreamLog.open(root.resolve("log"));
      return new Namespace() {
        @Override
        public StreamLog log() {
          return embedded;
        }

        @Override
        public Path stateDir() {
          return state;
        }

        @Override
        public void close() throws IOException {
          embedded.close();
          deleteTree(root);
        }
      };
    }
    BenchVhost vhost;
    RabbitStreamLog rabbit;
    try {
      vhost = BenchVhost.create(log.effectiveUri(), managementUrl, "cp-bench-" + runId + "-" + phase);
    } catch (RuntimeException e) {
      deleteTree(root);
      throw e;
    }
    try {
      rabbit = log.openRabbit(vhost.uri());
    } catch (RuntimeException e) {
      vhost.close();
      deleteTree(root);
      throw e;
    }
    progress("%s: virtual host %s on %s", phase, vhost.name(), rabbit.describe());
    return new Namespace() {
      @Override
      public StreamLog log() {
        return rabbit;
      }

      @Override
      public Path stateDir() {
        return state;
      }

      @Override
      public void close() throws IOException {
        try {
          rabbit.close();
        } finally {
          vhost.close();
          deleteTree(root);
        }
      }
    };
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Map<String, Object> machine(LogOptions.Broker broker) {
    Map<String, Object> m = new LinkedHashMap<>();
    Runtime rt = Runtime.getRuntime();
    m.put("cores", rt.availableProcessors());
    m.put("cpu", cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("maxHeapMiB", rt.maxMemory() >> 20);
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      m.put("memoryMiB", sun.getTotalMemorySize() >> 20);
    }
    m.put("loadAverageAtStart", os.getSystemLoadAverage());
    m.put("broker", broker.name().toLowerCase(Locale.ROOT));
    m.put("students", students);
    m.put("stateStudents", stateStudents);
    m.put("rate", rate);
    m.put("startedAt", Instant.now().toString());
    return m;
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void progress(String format, Object... args) {
    out.printf("  " + format + "%n", args);
    out.flush();
  }

  private void add(String name, double value, String unit, String baseline, double baseValue) {
    rows.add(
        new BenchRow(
            name, value, unit, baseline, baseline == null ? null : value / baseValue, null, null,
            null));
  }

  private void addThroughput(
      String name, Measured m, String baseline, Measured base, Measured processor) {
    rows.add(
        new BenchRow(
            name, m.rate(), "events/s", baseline, base == null ? null : m.rate() / base.rate(),
            processor == null ? null : processor.rate() / m.rate(), m.cpuMicrosPerEvent(),
            m.loadAverage()));
  }

  private void printTable() {
    out.println();
    String format = "%-32s %14s  %-9s %-12s %6s %11s %9s %5s%n";
    out.printf(format, "name", "value", "unit", "baseline", "ratio", "processor/x", "cpu-us/ev",
        "load");
    for (BenchRow row : rows) {
      out.printf(format, row.name(),
          Math.abs(row.value()) >= 1000 ? String.format("%,.0f", row.value())
              : String.format("%.2f", row.value()),
          row.unit(), row.baseline() == null ? "-" : row.baseline(), twoDigits(row.ratio()),
          twoDigits(row.processorRatio()),
          row.cpuMicrosPerEvent() == null ? "-" : String.format("%.1f", row.cpuMicrosPerEvent()),
          row.loadAverage() == null ? "-" : String.format("%.1f", row.loadAverage()));
    }
  }

  private static String twoDigits(Double d) {
    return d == null ? "-" : String.format("%.2f", d);
  }
}
