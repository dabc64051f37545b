package coursepulse.lms.risk;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The roster as checkpointed before its enrolments were keyed course first: enrolments under
 * {@code student␁course} in {@link #ENROLLMENTS}, an index of each course's members in {@link
 * #MEMBERS}, and, before state format 3, each enrolment's signals in a store of their own ({@link
 * #SIGNALS}). The three stay declared so that such a checkpoint restores; the processor moves
 * what they hold into the current layout ({@link Roster}) before it handles a record or a timer,
 * so nothing else reads them.
 */
final class FormerRosterLayout {
  static final String ENROLLMENTS = "risk-enrollments";
  static final String MEMBERS = "risk-course-members";
  static final String SIGNALS = "risk-student-courses";

  private final KeyValueStore<String, EnrollmentState> enrollments;
  private final KeyValueStore<String, byte[]> members;
  private final KeyValueStore<String, StudentCourse> signals;

  FormerRosterLayout(
      KeyValueStore<String, EnrollmentState> enrollments,
      KeyValueStore<String, byte[]> members,
      KeyValueStore<String, StudentCourse> signals) {
    this.enrollments = enrollments;
    this.members = members;
    this.signals = signals;
  }

  /** Whether anything is still stored the former way: one size check per store. */
  boolean holdsState() {
    return enrollments.approximateNumEntries() > 0
        || members.approximateNumEntries() > 0
        || signals.approximateNumEntries() > 0;
  }

  /**
   * Moves every enrolment, with its signals when they were apart, under its current key in {@code
   * current}, and empties the former stores. The members index is dropped: the current keys are
   * that index. Signals without an enrolment are dropped too; no former version left any.
   *
   * @return how many enrolments moved
   */
  int moveInto(KeyValueStore<String, EnrollmentState> current) {
    int moved = 0;
    for (KeyValue<String, EnrollmentState> e : drain(enrollments)) {
      String formerKey = e.key();
      EnrollmentState en = e.value();
      if (en.signals == null) {
        en.signals = signals.get(formerKey); // null when it had none yet: started on first use
      }
      int sep = formerKey.indexOf(TimerKeys.SEP);
      current.put(Roster.key(formerKey.substring(0, sep), formerKey.substring(sep + 1)), en);
      moved++;
    }
    drain(signals);
    drain(members);
    return moved;
  }

  /** The store's entries, each deleted from it. */
  private static <V> List<KeyValue<String, V>> drain(KeyValueStore<String, V> store) {
    List<KeyValue<String, V>> entries = new ArrayList<>();
    for (Iterator<KeyValue<String, V>> it = store.all(); it.hasNext(); ) {
      entries.add(it.next());
    }
    for (KeyValue<String, V> e : entries) {
      store.delete(e.key());
    }
    return entries;
  }
}
