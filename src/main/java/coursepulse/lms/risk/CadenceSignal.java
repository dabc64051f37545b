package coursepulse.lms.risk;

/**
 * The course's cadence: each assignment is judged once its due time + grace has passed (on time,
 * late, or missed), so shares follow the course's own schedule, however many assessments it has
 * and whatever time zone its due times were given in (events carry UTC instants).
 */
final class CadenceSignal {
  /** Assignments per course whose outcome is kept (bit index in the roster state). */
  static final int TRACKED = 64;

  private CadenceSignal() {}

  /**
   * Deadlines (due + grace) in {@code (now - windowMs, now]} that count for the student, and how
   * many of those were missed: {@code {due, missed}}.
   */
  static int[] recent(EnrollmentState en, CourseAssignments ca, long graceMs, long windowMs, long now) {
    int due = 0;
    int missed = 0;
    for (int i = 0; i < Math.min(ca.size(), TRACKED); i++) {
      long deadline = ca.due(i) + graceMs;
      if (deadline > now || deadline <= now - windowMs) {
        continue;
      }
      AssignmentStatus s = en.status(i, ca.due(i), graceMs, now);
      if (s == AssignmentStatus.MISSED) {
        missed++;
        due++;
      } else if (s == AssignmentStatus.ON_TIME || s == AssignmentStatus.LATE) {
        due++;
      }
    }
    return new int[] {due, missed};
  }

  /** Judges every assignment whose deadline passed by {@code now}; returns how many were judged. */
  static int judge(StudentCourse sc, EnrollmentState en, CourseAssignments ca, long graceMs, long now) {
    int judged = 0;
    for (int i = 0; i < Math.min(ca.size(), TRACKED); i++) {
      long bit = 1L << i;
      if ((sc.judgedBits & bit) != 0 || ca.due(i) + graceMs > now) {
        continue;
      }
      sc.judgedBits |= bit;
      switch (en.status(i, ca.due(i), graceMs, now)) {
        case ON_TIME:
          sc.onTime++;
          break;
        case LATE:
          sc.late++;
          break;
        case MISSED:
          sc.missed++;
          break;
        default:
          continue; // exempt: due before the student's enrolment
      }
      judged++;
    }
    return judged;
  }
}
