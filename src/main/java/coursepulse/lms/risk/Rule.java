package coursepulse.lms.risk;

/** The alerting rules; the name is the {@code rule} value in {@code 04-Alerts}. */
public enum Rule {
  /** Enrolled in an active course and no login for N days; student-level (no course). */
  LOGIN_INACTIVE(true),
  /** No submission in a course for N days while assignments were due. */
  NO_SUBMISSIONS(false),
  /** K consecutive assignments of a course not submitted by due time + grace. */
  MISSED_DEADLINES(false),
  /** A week's activity fell below a ratio of the student's own trailing baseline. */
  ACTIVITY_DROP(false);

  private final boolean studentLevel;

  Rule(boolean studentLevel) {
    this.studentLevel = studentLevel;
  }

  /** Whether alerts of this rule concern the student as a whole ({@code courseId} null). */
  public boolean studentLevel() {
    return studentLevel;
  }
}
