package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import coursepulse.lms.risk.RiskTopology;
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
import java.lang.management.ManagementFactory;
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
  private static final String SAME_RULES_APPLICATION_ID = "bench-state-same-rules";
  /** The baseline row: the same term's state held by the hand-written rules. */
  static final String PLAIN_JAVA_RULES_ROW = "state-bytes-plain-java-rules";

  private final int students;
  private final int days;
  private final BenchReport report;

  StateBench(int students, int days, BenchReport report) {
    this.students = students;
    this.days = days;
    this.report = report;
  }

  /**
   * Measures the rows and adds them: the hand-written rules' heap, the application's with the
   * product's defaults and with the hand-written rules' four (each compared with the first), and
   * the recovery of the defaults' checkpoint.
   */
  void run() throws IOException, InterruptedException {
    Path stateDir = Files.createTempDirectory("coursepulse-bench-state-");
    try (StreamLog memory = EmbeddedStreamLog.inMemory()) {
      Double plain = perStudentCourse("state, hand-written rules", plainJavaRulesHeap());
      addBytes(PLAIN_JAVA_RULES_ROW, plain, null);
      long n = publishTerm(memory);
      Path defaults = stateDir.resolve("defaults");
      addBytes("state-bytes-per-student-course",
          perStudentCourse("state", applicationHeap(
              memory, defaults, APPLICATION_ID, RulesConfig.DEFAULTS, n)),
          plain);
      addBytes("state-bytes-same-rules",
          perStudentCourse("state, the four rules", applicationHeap(
              memory, stateDir.resolve("same-rules"), SAME_RULES_APPLICATION_ID,
              PlainJavaRules.SAME_RULES, n)),
          plain);
      report.add("recovery-seconds", recoverySeconds(memory, defaults), "s", null, 0);
    } finally {
      BenchNamespace.deleteTree(stateDir);
    }
  }

  /** Adds a bytes row compared with {@code plain}; either may be unmeasured (null). */
  private void addBytes(String name, Double bytes, Double plain) {
    if (bytes == null) {
      report.addUnmeasured(name, "bytes");
    } else if (plain == null) {
      report.add(name, bytes, "bytes", null, 0);
    } else {
      report.add(name, bytes, "bytes", PLAIN_JAVA_RULES_ROW, plain);
    }
  }

  /**
   * Heap held for some student-courses: {used heap with them, used heap without them,
   * student-courses}.
   */
  private record Held(long with, long without, long studentCourses) {}

  /**
   * Bytes per student-course of {@code held}, or null when the difference is not positive: a
   * term too small for the heap's granularity after full GCs (a G1 region, megabytes), which must
   * not read as a measurement.
   */
  private Double perStudentCourse(String what, Held held) {
    double perPair = (held.with() - held.without()) / (double) held.studentCourses();
    report.progress(
        "%s: heap %,d bytes with it, %,d without; %,d student-courses: %.0f bytes each",
        what, held.with(), held.without(), held.studentCourses(), perPair);
    if (perPair <= 0) {
      report.progress(
          "%s: no heap measured for this term; give --state-students 5000 or more", what);
      return null;
    }
    return perPair;
  }

  /**
   * The heap of {@link PlainJavaRules} holding the term: the hand-written limit's state, four
   * rules on plain objects, no checkpoints. Each event is encoded and decoded as the log would
   * hand it over, so that its ids are strings of their own, as the engine's are.
   */
  private Held plainJavaRulesHeap() throws InterruptedException {
    long without = usedHeapAfterGc();
    PlainJavaRules plain = plainJavaRulesOverTheTerm();
    long with = usedHeapAfterGc();
    long pairs = plain.studentCourses();
    if (pairs == 0) {
      throw new IllegalStateException("the hand-written rules track no student-course to measure");
    }
    return new Held(with, without, pairs);
  }

  private PlainJavaRules plainJavaRulesOverTheTerm() {
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

  /** Publishes the term to the three inputs of {@code memory}; returns its events. */
  private long publishTerm(StreamLog memory) {
    Progress p =
        new SimulationPublisher(Pacer.unlimited(), x -> {})
            .publish(new Simulation(config()), memory);
    report.progress(
        "state: %,d students, %d term days, %,d events published", students, days, p.total());
    return p.total();
  }

  /**
   * The heap of the application with {@code rules} once it has handled the term's {@code n}
   * events: with the engine running, and again once it is closed.
   */
  private Held applicationHeap(
      StreamLog memory, Path stateDir, String applicationId, RulesConfig rules, long n)
      throws InterruptedException {
    long[] withAndPairs = runToEndAndMeasure(memory, stateDir, applicationId, rules, n);
    // Measured here, not in that method: its frame (the engine, its meter registry, whose gauges
    // reach the stores) is gone, so nothing holds the state any more.
    return new Held(withAndPairs[0], usedHeapAfterGc(), withAndPairs[1]);
  }

  /** Runs the engine to the end of the log; {used heap with its state, student-courses}. */
  private long[] runToEndAndMeasure(
      StreamLog memory, Path stateDir, String applicationId, RulesConfig rules, long n)
      throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    MeterRegistry registry = new SimpleMeterRegistry();
    long start = System.nanoTime();
    try (StreamEngine engine =
        BenchApp.start(
            memory, stateDir, applicationId, e -> handled.lazySet(handled.get() + 1),
            alert -> {}, registry, false, null, rules)) {
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
