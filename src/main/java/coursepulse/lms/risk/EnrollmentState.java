package coursepulse.lms.risk;

/**
 * Per student-course state: roster facts, activity and assignment outcomes, the states of the
 * roster rules acting on the enrolment, each in its {@link StateSlot}, and the enrolment's
 * {@link StudentCourse} signals. Primitive fields only
 * because there is one per enrolment; rule states exist only where a rule has something to keep.
 * Mutable; owned by the processor's task thread and written back after every change.
 */
final class EnrollmentState extends Slotted {
  static final long NONE = -1L;

  /** When the enrolment counts: the later of enrolment and course start. */
  long activeFrom;
  long courseEnd;
  long droppedAt = NONE;
  long lastSubmissionMs = NONE;
  long lastActivityMs = NONE;
  /** Bit i: assignment i of the course was submitted by its due time / by due time + grace. */
  long submittedByDue;
  long submittedByGrace;
  /** Days with activity (submissions or assets) per week. */
  final WeeklyCounts activity;
  /**
   * The cohort-aware signals and rule states of the same student-course: one record, one store
   * entry and one lookup per student-course. {@code null} only in an enrolment read from state
   * stored before they moved here, until {@link Roster#signals} takes them over.
   */
  StudentCourse signals;

  EnrollmentState(int weeksKept) {
    this.activity = new WeeklyCounts(weeksKept);
    this.signals = new StudentCourse();
  }

  /** An enrolment read from storage; its {@link #signals} are set by the reader. */
  EnrollmentState(WeeklyCounts activity) {
    this.activity = activity;
  }

  boolean dropped() {
    return droppedAt != NONE;
  }

  /** Enrolled, not dropped, and the course runs at {@code timeMs}. */
  boolean activeAt(long timeMs) {
    return !dropped() && timeMs >= activeFrom && timeMs < courseEnd;
  }

  /** The outcome of assignment {@code index} due at {@code dueMs}, as known at {@code nowMs}. */
  AssignmentStatus status(int index, long dueMs, long graceMs, long nowMs) {
    if (index >= 64) {
      return AssignmentStatus.UNTRACKED;
    }
    if (dueMs < activeFrom) {
      return AssignmentStatus.EXEMPT;
    }
    long bit = 1L << index;
    if ((submittedByDue & bit) != 0) {
      return AssignmentStatus.ON_TIME;
    }
    if ((submittedByGrace & bit) != 0) {
      return AssignmentStatus.LATE;
    }
    return nowMs >= dueMs + graceMs ? AssignmentStatus.MISSED : AssignmentStatus.PENDING;
  }
}
