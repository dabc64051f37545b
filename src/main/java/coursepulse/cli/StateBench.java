package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import coursepulse.lms.simulator.SimulationRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rows {@code state-bytes-per-student-course} and {@code recovery-seconds} of {@code bench}:
 * heap used after full GCs with the application holding a term of {@code students} students up to
 * {@code days}, minus the same after the engine is closed, divided by the tracked student-courses
 * (the enrolment store's size); then a new engine over that checkpoint, from {@code start()} to
 * {@code RUNNING}. On the in-memory embedded log: these rows measure the engine's state, not I/O.
 */
final class StateBench {

  private static final String APPLICATION_ID = "bench-state";
  /** The baseline row: the same term's state held by the hand-written rules. */
  static final String PLAIN_ROW = "state-bytes-plain-java-rules";

  private final int students;
  private final int days;
  private final BenchReport report;

  StateBench(int students, int days, BenchReport report) {
    this.students = students;
    this.days = days;
    this.report = report;
  }

  /** Measures both rows and adds them. */
  void run() throws IOException, InterruptedException {
    Path stateDir = Files.createTempDirectory("coursepulse-bench-state-");
    try (StreamLog memory = EmbeddedStreamLog.inMemory()) {
      double plainBytes = plainBytesPerStudentCourse();
      report.add(PLAIN_ROW, plainBytes, "bytes", null, 0);
      double bytesPerStudentCourse = bytesPerStudentCourse(memory, stateDir);
      report.add("state-bytes-per-student-course", bytesPerStudentCourse, "bytes", PLAIN_ROW,
          plainBytes);
      report.add("recovery-seconds", recoverySeconds(memory, stateDir), "s", null, 0);
    } finally {
      BenchNamespace.deleteTree(stateDir);
    }
  }

  /**
   * Heap per student-course of {@link PlainJavaRules} holding the same term: the hand-written
   * limit's state, with less to keep than the product's defaults (four rules on plain objects,
   * no risk-score signals, no checkpoints). Each event is encoded and decoded as the log would
   * hand it over, so that its ids are strings of their own, as the engine's are.
   */
  private double plainBytesPerStudentCourse() throws InterruptedException {
    long without = usedHeapAfterGc();
    PlainJavaRules plain = plainRulesOverTheTerm();
    long with = usedHeapAfterGc();
    long pairs = plain.studentCourses();
    Reference.reachabilityFence(plain);
    if (pairs == 0) {
      throw new IllegalStateException("the hand-written rules track no student-course to measure");
    }
    double perPair = (with - without) / (double) pairs;
    report.progress(
        "state, hand-written rules: %,d student-courses, %.0f bytes each", pairs, perPair);
    return perPair;
  }

  private PlainJavaRules plainRulesOverTheTerm() {
    PlainJavaRules plain = new PlainJavaRules(PlainJavaRules.SAME_RULES);
    SimulationRun run = new Simulation(config()).run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      plain.accept(EventCodec.decode(e.toJson()));
    }
    return plain;
  }

  private SimulationConfig config() {
    return SimulationConfig.defaults().withStudents(students).withDays(days);
  }

  private double bytesPerStudentCourse(StreamLog memory, Path stateDir)
      throws InterruptedException {
    Progress p =
        new SimulationPublisher(Pacer.unlimited(), x -> {})
            .publish(new Simulation(config()), memory);
    long n = p.total();
    report.progress("state: %,d students, %d term days, %,d events published", students, days, n);
    long[] loaded = runToEndAndMeasure(memory, stateDir, n);
    long without = usedHeapAfterGc();
    double perPair = (loaded[0] - without) / (double) loaded[1];
    report.progress(
        "state: heap %,d bytes with the stores, %,d without; %,d student-courses: %.0f bytes each",
        loaded[0], without, loaded[1], perPair);
    return perPair;
  }

  /** Runs the engine to the end of the log; {used heap with its state, student-courses}. */
  private long[] runToEndAndMeasure(StreamLog memory, Path stateDir, long n)
      throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    MeterRegistry registry = new SimpleMeterRegistry();
    long start = System.nanoTime();
    try (StreamEngine engine =
        BenchApp.start(
            memory, stateDir, APPLICATION_ID, e -> handled.lazySet(handled.get() + 1), registry,
            false)) {
      BenchApp.awaitHandled(engine, handled, n, "state");
      report.progress("state: processed in %.1f s (%,.0f events/s, embedded log)",
          (System.nanoTime() - start) / 1e9, Throughput.rate(n, System.nanoTime() - start));
      long pairs = studentCourses(registry);
      return new long[] {usedHeapAfterGc(), pairs};
    }
  }

  private double recoverySeconds(StreamLog memory, Path stateDir) throws InterruptedException {
    long start = System.nanoTime();
    try (StreamEngine engine = BenchApp.start(memory, stateDir, APPLICATION_ID, e -> {}, null, false)) {
      BenchApp.awaitRunning(engine);
      double seconds = (System.nanoTime() - start) / 1e9;
      report.progress("recovery: RUNNING after %.2f s", seconds);
      return seconds;
    }
  }

  /**
   * The student-courses the application tracks: the size of its enrolment store, from the
   * engine's meters in {@code registry}.
   *
   * @throws IllegalStateException when there are none: a footprint per nothing is no measurement
   */
  static long studentCourses(MeterRegistry registry) {
    Gauge entries =
        registry.find("coursepulse.engine.store.entries").tag("store", RiskTopology.ENROLLMENTS_STORE).gauge();
    long pairs = entries == null ? 0 : (long) entries.value();
    if (pairs == 0) {
      throw new IllegalStateException("no tracked student-course to measure");
    }
    return pairs;
  }

  /**
   * Used heap after full GCs: the least of a few, since one {@code System.gc()} may leave garbage
   * that the next collects.
   */
  static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
