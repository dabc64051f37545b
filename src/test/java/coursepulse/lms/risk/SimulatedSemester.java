package coursepulse.lms.risk;

import coursepulse.engine.Serdes;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.engine.TestOutputStream;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a simulated semester through the alerting topology on the test driver and scores the
 * alerts against the simulator's ground truth. {@code main} prints the report for the default
 * 2,000-student semester (or {@code args[0]} students, with the rules file {@code args[1]}).
 */
final class SimulatedSemester {
  private SimulatedSemester() {}

  record Result(Evaluation.Report report, long events, long alerts, long refused, double seconds,
      long trackedAtPeak, String stateAtMidTerm) {}

  static Result run(SimulationConfig config, RulesConfig rules) throws Exception {
    Simulation sim = new Simulation(config);
    StringBuilder csv = new StringBuilder();
    sim.writeGroundTruth(csv);
    List<GroundTruth> truth = GroundTruth.read(new StringReader(csv.toString()));
    RiskMetrics metrics = RiskMetrics.none();
    long start = System.nanoTime();
    List<Alert> alerts = new ArrayList<>();
    long events = 0;
    long refused;
    long peak = 0;
    String state = "";
    long midTerm = sim.termStart().plus(java.time.Duration.ofDays(50)).toEpochMilli();
    try (TestDriver driver = new TestDriver(RiskTopology.build(
        RiskTopology.Options.forApplication("sim").withRules(rules).withMetrics(metrics)))) {
      Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
      for (String s : StreamNames.INPUTS) {
        inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
      }
      TestOutputStream<String, byte[]> out = driver.createOutputStream(StreamNames.ALERTS, Serdes.ByteArray());
      TestOutputStream<String, byte[]> dlq = driver.createOutputStream("sim-refused", Serdes.ByteArray());
      SimulationRun run = sim.run();
      for (SimEvent e = run.next(); e != null; e = run.next()) {
        inputs.get(e.stream()).pipeRaw(e.toJson(), e.occurredAt().toEpochMilli());
        events++;
        if (state.isEmpty() && e.occurredAt().toEpochMilli() >= midTerm) {
          state = stateBytes(driver);
        }
        if ((events & 0xFFFF) == 0) {
          for (StreamRecord<String, byte[]> r : out.readRecordsToList()) {
            alerts.add(AlertCodec.decode(r.value()));
          }
          peak = Math.max(peak, metrics.studentsTracked());
        }
      }
      for (StreamRecord<String, byte[]> r : out.readRecordsToList()) {
        alerts.add(AlertCodec.decode(r.value()));
      }
      refused = dlq.readRecordsToList().size();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        Evaluation.evaluate(alerts, truth), events, alerts.size(), refused, seconds, peak, state);
  }

  /** Serialized bytes (keys + values) per store and per enrolment: what a checkpoint holds. */
  static String stateBytes(TestDriver driver) {
    StringBuilder s = new StringBuilder();
    long total = 0;
    long pairs = driver.getKeyValueStore(RiskProcessor.ENROLLMENTS).approximateNumEntries();
    for (String name : RiskTopology.STORES) {
      long bytes = 0;
      long n = 0;
      for (var it = driver.<String, Object>getKeyValueStore(name).all(); it.hasNext(); ) {
        var kv = it.next();
        bytes += kv.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        bytes += serialized(name, kv.value());
        n++;
      }
      total += bytes;
      s.append(String.format("  %-20s %8d entries %10d bytes%n", name, n, bytes));
    }
    long timerBytes = 0;
    java.util.List<TimerKeys.Timer> timers =
        driver.<TimerKeys.Timer>getTimerQueue(RiskProcessor.TIMERS).dueBy(Long.MAX_VALUE);
    for (TimerKeys.Timer t : timers) {
      timerBytes += TimerKeys.SERDE.serialize(t).length;
    }
    total += timerBytes;
    s.append(String.format(
        "  %-20s %8d entries %10d bytes%n", RiskProcessor.TIMERS, timers.size(), timerBytes));
    s.append(String.format("  total %d bytes = %.0f bytes per enrolment (%d enrolments)%n",
        total, (double) total / pairs, pairs));
    return s.toString();
  }

  private static int serialized(String store, Object value) {
    int weeks = RiskProcessor.weeksKept(RulesConfig.DEFAULTS);
    if (value instanceof StudentState st) {
      return StateSerdes.student(weeks).serialize(st).length;
    } else if (value instanceof EnrollmentState en) {
      return StateSerdes.enrollment(weeks).serialize(en).length;
    } else if (value instanceof CourseAssignments ca) {
      return StateSerdes.COURSE.serialize(ca).length;
    } else if (value instanceof Long l) {
      return StateSerdes.LONG.serialize(l).length;
    } else if (value instanceof StudentCourse sc) {
      return StateSerdes.STUDENT_COURSE.serialize(sc).length;
    } else if (value instanceof CourseCohort c) {
      return StateSerdes.COHORT.serialize(c).length;
    } else if (value instanceof AssignmentGrades g) {
      return StateSerdes.GRADES.serialize(g).length;
    }
    return ((byte[]) value).length;
  }

  public static void main(String[] args) throws Exception {
    int students = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    SimulationConfig config = SimulationConfig.defaults().withStudents(students);
    RulesConfig rules =
        args.length > 1 ? RulesConfig.fromYaml(java.nio.file.Path.of(args[1])) : RulesConfig.DEFAULTS;
    Result r = run(config, rules);
    System.out.printf("%d events, %d alert records, %d refused, %.1f s (%.0f events/s), peak students %d%n%n",
        r.events(), r.alerts(), r.refused(), r.seconds(), r.events() / r.seconds(), r.trackedAtPeak());
    System.out.print("State at mid-term (serialized, as checkpointed):\n" + r.stateAtMidTerm() + "\n");
    System.out.print(r.report().format());
  }
}
