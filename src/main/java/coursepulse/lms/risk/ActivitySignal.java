package coursepulse.lms.risk;

/**
 * Activity = any sign of work in the course: a page view (weighted by its clicks) or a
 * submission. Counted per UTC day in the student-course ring; the first activity of a student on
 * a day also counts one active student for the course that day (the cohort's activity).
 */
final class ActivitySignal {
  private ActivitySignal() {}

  /** Records the work; returns whether it was the student's first in the course that day. */
  static boolean record(StudentCourse sc, CourseCohort cohort, long t, int clicks) {
    int day = Weeks.dayIndex(t);
    boolean first = sc.recordActivity(day, clicks);
    if (first && cohort != null) {
      cohort.countActive(day);
    }
    return first;
  }

  /**
   * Whole days without work up to {@code lastDay}, counting from the last active day or, for a
   * student who never worked, from the day before the enrolment became active.
   */
  static int daysSince(StudentCourse sc, EnrollmentState en, int lastDay) {
    int from = Math.max(sc.lastActiveDay, Weeks.dayIndex(en.activeFrom) - 1);
    return Math.max(0, lastDay - from);
  }
}
