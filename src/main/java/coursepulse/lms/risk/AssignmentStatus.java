package coursepulse.lms.risk;

/** What became of one assignment for one student. */
enum AssignmentStatus {
  /** Submitted by the due time. */
  ON_TIME,
  /** Submitted after the due time but within the grace period. */
  LATE,
  /** Not submitted by due time + grace (a later submission does not change this). */
  MISSED,
  /** Not submitted yet and the grace period has not ended. */
  PENDING,
  /** Due before the student's enrolment became active: not held against them. */
  EXEMPT,
  /** Beyond the 64 assignments per course whose outcome is kept. */
  UNTRACKED
}
