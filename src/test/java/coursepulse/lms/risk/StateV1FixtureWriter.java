package coursepulse.lms.risk;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Writes src/test/resources/risk/state-v1-{logins,activity}.bin.gz: the per-student and per-student-course stores at
 * the cut of {@code StateFormatMigrationTest}'s run, in the format of this code (format 1). Run
 * once on the code before the state slots (commit fa49c4e); kept to show how the fixture was made.
 */
class StateV1FixtureWriter {
  static final int CUT = 9_000;

  /** The rules of the run: every rule on, ACTIVITY_DROP on the given basis. */
  static RulesConfig rules(String basis) {
    return RulesConfig.fromYaml(new java.io.ByteArrayInputStream(
            ("activityDrop:\n  basis: " + basis + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .withOnly(Rule.values());
  }

  @Test
  void write() throws Exception {
    write("logins");
    write("activity");
  }

  private static void write(String basis) throws Exception {
    int weeks = RiskProcessor.weeksKept(RulesConfig.DEFAULTS);
    try (TestDriver driver = new TestDriver(RiskTopology.build(
            RiskTopology.Options.forApplication("migration")
                .withRules(rules(basis))
                .withMetrics(RiskMetrics.none())));
        DataOutputStream out = new DataOutputStream(new GZIPOutputStream(
            new FileOutputStream("src/test/resources/risk/state-v1-" + basis + ".bin.gz")))) {
      Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
      for (String s : StreamNames.INPUTS) {
        inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
      }
      SimulationRun run =
          new Simulation(SimulationConfig.defaults().withStudents(60).withDays(35)).run();
      int n = 0;
      for (SimEvent e = run.next(); e != null && n < CUT; e = run.next(), n++) {
        inputs.get(e.stream()).pipeRaw(e.toJson(), e.occurredAt().toEpochMilli());
      }
      KeyValueStore<String, StudentState> st = driver.getKeyValueStore(RiskProcessor.STUDENTS);
      KeyValueStore<String, EnrollmentState> en = driver.getKeyValueStore(RiskProcessor.ENROLLMENTS);
      KeyValueStore<String, StudentCourse> sc = driver.getKeyValueStore(CourseSignals.STUDENT_COURSES);
      int[] c = new int[12];
      for (Iterator<KeyValue<String, StudentState>> it = st.all(); it.hasNext(); ) {
        StudentState s = it.next().value();
        c[0] += s.loginOpenedAt != -1 ? 1 : 0;
        c[1] += s.loginResolvedAt != -1 ? 1 : 0;
        c[2] += s.dropOpenedAt != -1 ? 1 : 0;
        c[3] += s.dropResolvedAt != -1 ? 1 : 0;
        c[4] += s.loginTimerAt != -1 ? 1 : 0;
      }
      for (Iterator<KeyValue<String, EnrollmentState>> it = en.all(); it.hasNext(); ) {
        EnrollmentState e = it.next().value();
        c[5] += e.noSubOpenedAt != -1 ? 1 : 0;
        c[6] += e.noSubResolvedAt != -1 ? 1 : 0;
        c[7] += e.missedOpenedAt != -1 ? 1 : 0;
        c[8] += e.missedResolvedAt != -1 ? 1 : 0;
        c[9] += e.dropOpenedAt != -1 ? 1 : 0;
        c[10] += e.dropResolvedAt != -1 ? 1 : 0;
        c[11] += e.consecutiveMissed != 0 ? 1 : 0;
      }
      int[] o = new int[8];
      for (Iterator<KeyValue<String, StudentCourse>> it = sc.all(); it.hasNext(); ) {
        StudentCourse s = it.next().value();
        for (int i = 0; i < 4; i++) {
          o[i] += s.opened[i] != -1 ? 1 : 0;
          o[4 + i] += s.resolved[i] != -1 ? 1 : 0;
        }
      }
      System.out.println(basis + " roster " + java.util.Arrays.toString(c) + " cohort " + java.util.Arrays.toString(o));
      dump(out, driver, RiskProcessor.STUDENTS, StateSerdes.student(weeks));
      dump(out, driver, RiskProcessor.ENROLLMENTS, StateSerdes.enrollment(weeks));
      dump(out, driver, CourseSignals.STUDENT_COURSES, StateSerdes.STUDENT_COURSE);
      out.writeUTF("");
    }
  }

  private static <V> void dump(DataOutputStream out, TestDriver driver, String store, Serde<V> serde)
      throws Exception {
    KeyValueStore<String, V> kv = driver.getKeyValueStore(store);
    int n = 0;
    for (Iterator<KeyValue<String, V>> it = kv.all(); it.hasNext(); ) {
      KeyValue<String, V> e = it.next();
      byte[] b = serde.serialize(e.value());
      out.writeUTF(store);
      out.writeUTF(e.key());
      out.writeInt(b.length);
      out.write(b);
      n++;
    }
    System.out.println(store + ": " + n);
  }
}
