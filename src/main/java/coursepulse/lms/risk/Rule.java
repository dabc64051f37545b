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
  ACTIVITY_DROP(false),
  /** No activity in a course for days while most classmates were active (cohort-relative). */
  INACTIVE(false),
  /** Too large a share of the course's due work missed so far (follows the course's cadence). */
  MISSED_WORK(false),
  /** A graded assessment below the pass mark. */
  LOW_GRADES(false),
  /** The risk score crossed the course's budgeted threshold. */
  RISK_SCORE(false);

  private final boolean studentLevel;

  Rule(boolean studentLevel) {
    this.studentLevel = studentLevel;
  }

  /** Whether alerts of this rule concern the student as a whole ({@code courseId} null). */
  public boolean studentLevel() {
    return studentLevel;
  }
}
