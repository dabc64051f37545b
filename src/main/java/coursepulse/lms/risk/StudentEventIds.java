package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;

/**
 * The students' recent event ids, to drop re-sent events: kept in each {@link StudentState} (state
 * format 3), so that they exist only for enrolled students and go with them. Those checkpointed
 * before format 3 are records of their own in {@link RiskProcessor#EVENT_IDS} (which also holds the
 * courses' ids): they move into the student's state on its first use, or go with it.
 */
final class StudentEventIds {
  private final KeyValueStore<String, StudentState> students;
  private final KeyValueStore<String, RecentEventIds> storedApart;

  StudentEventIds(
      KeyValueStore<String, StudentState> students,
      KeyValueStore<String, RecentEventIds> storedApart) {
    this.students = students;
    this.storedApart = storedApart;
  }

  /**
   * Whether the student's event was seen before; remembers it when not. A student without state
   * has no ids to compare with: their events are refused as not enrolled and keep nothing.
   */
  boolean seenBefore(String student, String eventId) {
    StudentState st = students.get(student);
    if (st == null) {
      return false;
    }
    boolean movedIn = moveIn(student, st);
    boolean seen = st.recentIds.seenBefore(eventId);
    if (!seen || movedIn) {
      students.put(student, st);
    }
    return seen;
  }

  /**
   * A new state of the student, created by their enrolment: its ids are those stored apart, if a
   * checkpoint of before format 3 left any, then the enrolment's. The caller writes the state.
   */
  void started(String student, StudentState st, String enrolmentEventId) {
    st.recentIds = null;
    moveIn(student, st);
    st.recentIds.seenBefore(enrolmentEventId);
  }

  /** The student's state is removed (their last course ended): ids still stored apart go too. */
  void removed(String student, StudentState st) {
    // Only when they were never moved in: the store also holds courses' ids, under course ids.
    if (st.recentIds == null) {
      storedApart.delete(student);
    }
  }

  /**
   * Gives a state read in format 1 or 2 the ids stored apart (or none), deleting them there; both
   * stores are then written in the same event, so no checkpoint holds them in neither.
   *
   * @return whether the state changed
   */
  private boolean moveIn(String student, StudentState st) {
    if (st.recentIds != null) {
      return false;
    }
    RecentEventIds stored = storedApart.get(student);
    st.recentIds = stored != null ? stored : new RecentEventIds();
    if (stored != null) {
      storedApart.delete(student);
    }
    return true;
  }
}
