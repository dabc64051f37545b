package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
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
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State stored before the rules kept their state in slots (format 1: checkpoints, and stores
 * restored from them) restores into the slots, and a run goes on from it as if it had never
 * stopped; so does state stored before a student's recent event ids moved into the student's
 * state (format 1 and 2: a record of its own, in a store of its own), and a roster stored before
 * its enrolments were keyed course first, with their signals apart and an index of members
 * ({@link FormerRosterLayout}).
 *
 * <p>The fixtures {@code risk/state-v1-<basis>.bin.gz} hold the per-student and per-student-course
 * stores after the 8,148 events of an all-rules run (the first 35 days of a term), written by the
 * code of commit fa49c4e ({@code StateV1FixtureWriter}, commit 140fee7, which also printed the
 * counts asserted below).
 */
class StateFormatMigrationTest {
  /** Where the second test stops and restores: about half-way, with alerts open of every kind. */
  private static final int CUT = 4_000;

  private static SimulationConfig config() {
    return SimulationConfig.defaults().withStudents(60).withDays(35);
  }

  /** Every rule on; ACTIVITY_DROP per student ({@code logins}) or enrolment ({@code activity}). */
  private static RulesConfig rules(String basis) {
    return RulesConfig.fromYaml(new ByteArrayInputStream(
            ("activityDrop:\n  basis: " + basis + "\n").getBytes(StandardCharsets.UTF_8)))
        .withOnly(Rule.values());
  }

  @ParameterizedTest
  @ValueSource(strings = {"logins", "activity"})
  void shouldReadEveryRuleStateTheOldFormatStored(String basis) throws IOException {
    int weeks = RiskProcessor.weeksKept(rules(basis));
    Map<String, Map<String, byte[]>> stored = fixture(basis);
    Map<String, StudentState> students =
        read(stored.get(RiskProcessor.STUDENTS), StateSerdes.student(weeks));
    Map<String, EnrollmentState> enrolments =
        read(stored.get(FormerRosterLayout.ENROLLMENTS), StateSerdes.enrollment(weeks));
    Map<String, StudentCourse> pairs =
        read(stored.get(FormerRosterLayout.SIGNALS), StateSerdes.STUDENT_COURSE);

    assertThat(students).hasSize(60);
    assertThat(enrolments).hasSize(102);
    assertThat(pairs).hasSize(102);
    // What the old code counted in its inline fields at the cut: open, resolved (and more).
    assertThat(count(students.values(), LoginInactiveRule.STATE)).containsExactly(8, 17);
    assertThat(count(students.values(), ActivityDropRule.STATE))
        .containsExactly(basis.equals("logins") ? 1 : 0, 0);
    assertThat(students.values().stream().filter(s -> {
      LoginInactiveRule.State l = LoginInactiveRule.STATE.get(s);
      return l != null && l.timerAt != AlertSlot.NONE;
    })).hasSize(46);
    assertThat(count(enrolments.values(), NoSubmissionsRule.STATE)).containsExactly(9, 2);
    assertThat(count(enrolments.values(), MissedDeadlinesRule.STATE)).containsExactly(5, 1);
    assertThat(count(enrolments.values(), ActivityDropRule.STATE))
        .containsExactly(basis.equals("logins") ? 0 : 1, 0);
    assertThat(enrolments.values().stream().filter(e -> {
      MissedDeadlinesRule.State m = MissedDeadlinesRule.STATE.get(e);
      return m != null && m.streak != 0;
    })).hasSize(30);
    assertThat(count(pairs.values(), InactiveRule.STATE)).containsExactly(23, 48);
    assertThat(count(pairs.values(), MissedWorkRule.STATE)).containsExactly(24, 15);
    assertThat(count(pairs.values(), LowGradesRule.STATE)).containsExactly(7, 8);
    assertThat(count(pairs.values(), RiskScoreRule.STATE)).containsExactly(12, 5);

    // Nothing is lost: the old format written back from the slots gives the stored bytes again.
    // (The ring of submissions per week is not read any more: no rule read it. The writer puts
    // an empty one in its place.)
    stored.get(RiskProcessor.STUDENTS).forEach((k, v) ->
        assertThat(StateFormatV1Writer.student(students.get(k))).as(k).isEqualTo(v));
    stored.get(FormerRosterLayout.ENROLLMENTS).forEach((k, v) ->
        assertThat(StateFormatV1Writer.enrollment(enrolments.get(k))).as(k)
            .isEqualTo(SubmissionsPerWeek.replaced(v, SubmissionsPerWeek.empty())));
    stored.get(FormerRosterLayout.SIGNALS).forEach((k, v) ->
        assertThat(StateFormatV1Writer.studentCourse(pairs.get(k))).as(k).isEqualTo(v));
    // ... and the new format keeps what was read.
    assertStable(students.values(), StateSerdes.student(weeks));
    assertStable(enrolments.values(), StateSerdes.enrollment(weeks));
    assertStable(pairs.values(), StateSerdes.STUDENT_COURSE);
  }

  /**
   * Stops a run at {@link #CUT}, stores its state in the old format and restores it from there:
   * the rest of the run writes the alerts, byte for byte, of a run that never stopped. With heap
   * stores and with serialized ones (where every copy read is a copy, so a change not written back
   * is lost).
   */
  @ParameterizedTest
  @CsvSource({"logins, true", "logins, false", "activity, true", "activity, false"})
  void shouldContinueFromStateStoredInTheOldFormat(String basis, boolean heapStores) {
    List<String> uninterrupted = run(basis, heapStores, false);
    List<String> restored = run(basis, heapStores, true);

    assertThat(uninterrupted).hasSizeGreaterThan(100);
    assertThat(restored).containsExactlyElementsOf(uninterrupted);
  }

  private static List<String> run(String basis, boolean heapStores, boolean viaOldFormat) {
    RulesConfig rules = rules(basis);
    int weeks = RiskProcessor.weeksKept(rules);
    List<String> out = new ArrayList<>();
    try (TestDriver driver = new TestDriver(RiskTopology.build(
        RiskTopology.Options.forApplication("migration")
            .withRules(rules)
            .withMetrics(RiskMetrics.none())
            .withHeapStores(heapStores)))) {
      Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
      for (String s : StreamNames.INPUTS) {
        inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
      }
      TestOutputStream<String, byte[]> alerts =
          driver.createOutputStream(StreamNames.ALERTS, Serdes.ByteArray());
      TestOutputStream<String, String> refused =
          driver.createOutputStream("migration-refused", Serdes.String());
      SimulationRun run = new Simulation(config()).run();
      // The event piped last (the simulation reuses its event object: copy what is needed).
      String previousStream = null;
      byte[] previousJson = null;
      long previousAt = 0;
      int n = 0;
      boolean restored = false;
      int idsApart = 0;
      int enrolmentsMoved = 0;
      List<TimerKeys.Timer> timersSet = List.of();
      for (SimEvent e = run.next(); e != null; e = run.next(), n++) {
        if (n == CUT && viaOldFormat) {
          idsApart = moveToFormerStore(driver, RiskProcessor.STUDENTS, RiskProcessor.EVENT_IDS,
              (StudentState st) -> RecentEventIds.SERDE.deserialize(
                  RecentEventIds.SERDE.serialize(st.recentIds)));
          restoreViaOldFormat(driver, RiskProcessor.STUDENTS, StateFormatV1Writer::student,
              StateSerdes.student(weeks));
          enrolmentsMoved = storeRosterTheFormerWay(driver, weeks);
          timersSet = storeTimersTheFormerWay(driver);
          restored = true;
        }
        if (n == CUT) {
          // A re-sent event: the ids it is recognised by were stored apart, if restored.
          inputs.get(previousStream).pipeRaw(previousJson, previousAt);
          assertThat(refused.readValuesToList())
              .singleElement()
              .satisfies(r -> assertThat(r).contains("\"reason\":\"duplicate_event\""));
          if (viaOldFormat) {
            assertRosterMoved(driver, enrolmentsMoved);
            assertThat(driver.getKeyValueStore(RiskProcessor.FORMER_TIMERS).approximateNumEntries())
                .isZero();
            assertThat(timers(driver)).containsExactlyElementsOf(timersSet);
          }
        }
        previousStream = e.stream();
        previousJson = e.toJson();
        previousAt = e.occurredAt().toEpochMilli();
        inputs.get(previousStream).pipeRaw(previousJson, previousAt);
      }
      assertThat(restored).as("the run reached the cut").isEqualTo(viaOldFormat);
      if (viaOldFormat) {
        KeyValueStore<String, Object> courses = driver.getKeyValueStore(RiskProcessor.COURSES);
        assertTakenOverOnUse(driver, RiskProcessor.STUDENTS, RiskProcessor.EVENT_IDS, idsApart,
            (StudentState st) -> st.recentIds == null, course -> courses.get(course) != null);
      }
      for (StreamRecord<String, byte[]> r : alerts.readRecordsToList()) {
        out.add(new String(r.value(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * Stores the roster as the code before the course-first layout did, in state format 1: each
   * enrolment under {@code student␁course} in {@link FormerRosterLayout#ENROLLMENTS}, its signals
   * apart in {@link FormerRosterLayout#SIGNALS}, and the members index; nothing in the current
   * store.
   *
   * @return how many enrolments
   */
  private static int storeRosterTheFormerWay(TestDriver driver, int weeks) {
    KeyValueStore<String, EnrollmentState> current =
        driver.getKeyValueStore(RiskProcessor.ENROLLMENTS);
    KeyValueStore<String, EnrollmentState> former =
        driver.getKeyValueStore(FormerRosterLayout.ENROLLMENTS);
    KeyValueStore<String, StudentCourse> signals =
        driver.getKeyValueStore(FormerRosterLayout.SIGNALS);
    KeyValueStore<String, byte[]> members = driver.getKeyValueStore(FormerRosterLayout.MEMBERS);
    List<KeyValue<String, EnrollmentState>> all = new ArrayList<>();
    current.all().forEachRemaining(all::add);
    for (KeyValue<String, EnrollmentState> e : all) {
      String course = e.key().substring(0, e.key().indexOf(TimerKeys.SEP));
      String student = TimerKeys.second(e.key());
      String formerKey = TimerKeys.pair(student, course);
      EnrollmentState en = e.value();
      if (en.signals != null) {
        signals.put(formerKey, StateSerdes.STUDENT_COURSE.deserialize(
            StateFormatV1Writer.studentCourse(en.signals)));
      }
      byte[] old = StateFormatV1Writer.enrollment(en);
      assertThat(old[0]).isEqualTo(StateSerdes.FORMAT_V1);
      former.put(formerKey, StateSerdes.enrollment(weeks).deserialize(old));
      members.put(TimerKeys.pair(course, student), new byte[0]);
      current.delete(e.key());
    }
    assertThat(all).isNotEmpty();
    assertThat(signals.approximateNumEntries()).isPositive();
    return all.size();
  }

  /** Every timer set, earliest first. */
  private static List<TimerKeys.Timer> timers(TestDriver driver) {
    return driver.<TimerKeys.Timer>getTimerQueue(RiskProcessor.TIMERS).dueBy(Long.MAX_VALUE);
  }

  /**
   * Stores the timers as the code before the engine's timer queue did: as keys ({@link
   * TimerKeys#key}) of a key-value store, with empty values.
   *
   * @return the timers, earliest first
   */
  private static List<TimerKeys.Timer> storeTimersTheFormerWay(TestDriver driver) {
    KeyValueStore<String, byte[]> former = driver.getKeyValueStore(RiskProcessor.FORMER_TIMERS);
    List<TimerKeys.Timer> all = timers(driver);
    for (TimerKeys.Timer t : all) {
      former.put(TimerKeys.key(t.due(), t.kind(), t.a(), t.b()), new byte[0]);
      driver.<TimerKeys.Timer>getTimerQueue(RiskProcessor.TIMERS).cancel(t);
    }
    assertThat(all).hasSizeGreaterThan(50);
    return all;
  }

  /** Every enrolment is under its current key, with its signals, and the former stores are empty. */
  private static void assertRosterMoved(TestDriver driver, int enrolments) {
    for (String store : List.of(
        FormerRosterLayout.ENROLLMENTS, FormerRosterLayout.SIGNALS, FormerRosterLayout.MEMBERS)) {
      assertThat(driver.getKeyValueStore(store).approximateNumEntries()).as(store).isZero();
    }
    KeyValueStore<String, EnrollmentState> current =
        driver.getKeyValueStore(RiskProcessor.ENROLLMENTS);
    assertThat(current.approximateNumEntries()).isEqualTo(enrolments);
    current.all().forEachRemaining(e -> assertThat(e.value().signals).as(e.key()).isNotNull());
  }

  /**
   * Before format 3 an enrolment's signals and a student's recent event ids were records of their
   * own, in {@code formerStore}: puts that part of every record of {@code recordStore} back there,
   * as the code of then stored it.
   *
   * @return how many
   */
  private static <R, P> int moveToFormerStore(
      TestDriver driver, String recordStore, String formerStore, Function<R, P> storedPart) {
    KeyValueStore<String, R> records = driver.getKeyValueStore(recordStore);
    KeyValueStore<String, P> former = driver.getKeyValueStore(formerStore);
    int n = 0;
    for (Iterator<KeyValue<String, R>> it = records.all(); it.hasNext(); n++) {
      KeyValue<String, R> r = it.next();
      assertThat(former.get(r.key())).as("the current format keeps it in the record").isNull();
      former.put(r.key(), storedPart.apply(r.value()));
    }
    assertThat(n).isPositive();
    return n;
  }

  /**
   * The parts the run used moved into their records and left the former store; the others are
   * still there, and only there; nothing else is left there but what {@code otherOwner} owns.
   */
  private static <R> void assertTakenOverOnUse(
      TestDriver driver, String recordStore, String formerStore, int storedApart,
      Predicate<R> partMissing, Predicate<String> otherOwner) {
    KeyValueStore<String, R> records = driver.getKeyValueStore(recordStore);
    KeyValueStore<String, Object> former = driver.getKeyValueStore(formerStore);
    int left = 0;
    for (Iterator<KeyValue<String, R>> it = records.all(); it.hasNext(); ) {
      KeyValue<String, R> r = it.next();
      boolean apart = former.get(r.key()) != null;
      left += apart ? 1 : 0;
      assertThat(partMissing.test(r.value())).as(r.key()).isEqualTo(apart);
    }
    assertThat(left).as(recordStore).isLessThan(storedApart);
    for (Iterator<KeyValue<String, Object>> it = former.all(); it.hasNext(); ) {
      String key = it.next().key();
      assertThat(records.get(key) != null || otherOwner.test(key))
          .as("%s in %s belongs to a record or to its other owner", key, formerStore)
          .isTrue();
    }
  }

  /** Replaces every value of a store with what the store's serde reads from its old bytes. */
  private static <V> void restoreViaOldFormat(
      TestDriver driver, String store, Function<V, byte[]> oldFormat, Serde<V> serde) {
    KeyValueStore<String, V> kv = driver.getKeyValueStore(store);
    Map<String, V> restored = new LinkedHashMap<>();
    for (Iterator<KeyValue<String, V>> it = kv.all(); it.hasNext(); ) {
      KeyValue<String, V> e = it.next();
      byte[] old = oldFormat.apply(e.value());
      assertThat(old[0]).isEqualTo(StateSerdes.FORMAT_V1);
      restored.put(e.key(), serde.deserialize(old));
    }
    assertThat(restored).isNotEmpty();
    restored.forEach(kv::put);
  }

  private static Map<String, Map<String, byte[]>> fixture(String basis) throws IOException {
    Map<String, Map<String, byte[]>> stores = new HashMap<>();
    try (InputStream raw = StateFormatMigrationTest.class.getResourceAsStream(
            "/risk/state-v1-" + basis + ".bin.gz");
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
      for (String store = in.readUTF(); !store.isEmpty(); store = in.readUTF()) {
        String key = in.readUTF();
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        assertThat(value[0]).isEqualTo(StateSerdes.FORMAT_V1);
        stores.computeIfAbsent(store, s -> new LinkedHashMap<>()).put(key, value);
      }
    }
    return stores;
  }

  private static <V> Map<String, V> read(Map<String, byte[]> stored, Serde<V> serde) {
    Map<String, V> out = new LinkedHashMap<>();
    stored.forEach((k, v) -> out.put(k, serde.deserialize(v)));
    return out;
  }

  /** {open, resolved} states of a slot among the records. */
  private static int[] count(Iterable<? extends Slotted> records, StateSlot<?> slot) {
    int[] c = new int[2];
    for (Slotted r : records) {
      AlertSlot a = slot.get(r);
      if (a != null) {
        c[0] += a.isOpen() ? 1 : 0;
        c[1] += a.resolvedAt != AlertSlot.NONE ? 1 : 0;
      }
    }
    return c;
  }

  private static <V> void assertStable(Iterable<V> values, Serde<V> serde) {
    for (V v : values) {
      byte[] now = serde.serialize(v);
      assertThat(now[0]).isEqualTo(StateSerdes.FORMAT_V2);
      assertThat(serde.serialize(serde.deserialize(now))).isEqualTo(now);
    }
  }
}
