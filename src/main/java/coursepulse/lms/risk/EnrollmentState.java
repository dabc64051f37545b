package coursepulse.lms.risk;

/**
 * Per student-course state: roster facts, activity, assignment outcomes and the course-level
 * alert slots. Primitive fields only (about 150 bytes of heap) because there is one per enrolment.
 * Mutable; owned by the processor's task thread and written back after every change.
 */
final class EnrollmentState {
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
  /** Deadlines (due + grace) missed in a row; reset by any submission or an assignment made. */
  int consecutiveMissed;
  /** Days with activity (submissions or assets) per week, and submissions per week. */
  final WeeklyCounts activity;
  final WeeklyCounts submissions;

  long noSubOpenedAt = NONE;
  long noSubResolvedAt = NONE;
  long missedOpenedAt = NONE;
  long missedResolvedAt = NONE;
  long dropOpenedAt = NONE;
  long dropResolvedAt = NONE;
  byte noSubSeverity;
  byte missedSeverity;
  byte dropSeverity;
  int dropBaselineX100;

  EnrollmentState(int weeksKept) {
    this.activity = new WeeklyCounts(weeksKept);
    this.submissions = new WeeklyCounts(weeksKept);
  }

  EnrollmentState(WeeklyCounts activity, WeeklyCounts submissions) {
    this.activity = activity;
    this.submissions = submissions;
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
  long opened(Rule rule) {
    switch (rule) {
      case NO_SUBMISSIONS:
        return noSubOpenedAt;
      case MISSED_DEADLINES:
        return missedOpenedAt;
      default:
        return dropOpenedAt;
    }
  }

  long resolved(Rule rule) {
    switch (rule) {
      case NO_SUBMISSIONS:
        return noSubResolvedAt;
      case MISSED_DEADLINES:
        return missedResolvedAt;
      default:
        return dropResolvedAt;
    }
  }

  byte severity(Rule rule) {
    switch (rule) {
      case NO_SUBMISSIONS:
        return noSubSeverity;
      case MISSED_DEADLINES:
        return missedSeverity;
      default:
        return dropSeverity;
    }
  }

  void markOpened(Rule rule, long at, Severity severity) {
    byte sev = (byte) severity.ordinal();
    switch (rule) {
      case NO_SUBMISSIONS:
        noSubOpenedAt = at;
        noSubSeverity = sev;
        break;
      case MISSED_DEADLINES:
        missedOpenedAt = at;
        missedSeverity = sev;
        break;
      default:
        dropOpenedAt = at;
        dropSeverity = sev;
    }
  }

  void markResolved(Rule rule, long at) {
    switch (rule) {
      case NO_SUBMISSIONS:
        noSubOpenedAt = NONE;
        noSubResolvedAt = at;
        break;
      case MISSED_DEADLINES:
        missedOpenedAt = NONE;
        missedResolvedAt = at;
        break;
      default:
        dropOpenedAt = NONE;
        dropResolvedAt = at;
    }
  }
}
