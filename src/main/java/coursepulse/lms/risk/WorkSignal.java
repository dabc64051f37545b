package coursepulse.lms.risk;

/**
 * The work a student handed in against what the course asked so far: the assignments due (deadline
 * + grace passed) that were never handed in, not even late ({@code unsubmittedShare}: a missed
 * deadline made good later weighs less than work never done), and the share of the assessment
 * weight due so far that was handed in and not failed ({@code earnedShare}), by the assignments'
 * declared weights. When a weight is unknown, or the assignments due weigh nothing together
 * (formative quizzes), every assignment counts the same.
 */
final class WorkSignal {
  private WorkSignal() {}

  /**
   * @param due assignments whose deadline + grace passed, due after the enrolment became active
   * @param unsubmitted of those, not handed in so far
   * @param earnedShare weighted share of those handed in (at any time so far) and not graded below
   *     the pass mark; NaN when none is due
   */
  record Summary(int due, int unsubmitted, double earnedShare) {}

  static Summary summarize(
      StudentCourse sc,
      EnrollmentState en,
      CourseAssignments ca,
      AssignmentWeights weights,
      double passMark,
      long graceMs,
      long now) {
    int n = Math.min(ca.size(), CadenceSignal.TRACKED);
    int passMille = (int) Math.round(passMark * 1000);
    int due = 0;
    int unsubmitted = 0;
    double[] dueW = new double[2]; // declared, equal
    double[] earnedW = new double[2];
    boolean known = true;
    for (int i = 0; i < n; i++) {
      if (ca.due(i) + graceMs > now) {
        continue;
      }
      AssignmentStatus s = en.status(i, ca.due(i), graceMs, now);
      if (s != AssignmentStatus.ON_TIME && s != AssignmentStatus.LATE
          && s != AssignmentStatus.MISSED) {
        continue; // exempt (due before the enrolment) or untracked
      }
      // handed in by the deadline's grace, or later (a missed deadline made good)
      boolean submitted = s != AssignmentStatus.MISSED || (sc.submittedBits & (1L << i)) != 0;
      int g = i < sc.grades.length ? sc.grades[i] : -1;
      double w = weights.weight(i);
      due++;
      unsubmitted += submitted ? 0 : 1;
      known &= w >= 0;
      add(dueW, earnedW, w, submitted && (g < 0 || g >= passMille) ? 1 : 0);
    }
    return new Summary(due, unsubmitted, due == 0 ? Double.NaN : share(dueW, earnedW, known));
  }

  /** Adds {@code value} with the declared weight (index 0) and with weight 1 (index 1). */
  private static void add(double[] total, double[] sum, double w, double value) {
    total[0] += Math.max(0, w);
    sum[0] += Math.max(0, w) * value;
    total[1] += 1;
    sum[1] += value;
  }

  private static double share(double[] total, double[] sum, boolean known) {
    if (total[1] == 0) {
      return Double.NaN;
    }
    return known && total[0] > 0 ? sum[0] / total[0] : sum[1] / total[1];
  }
}
