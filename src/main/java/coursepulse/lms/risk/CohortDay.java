package coursepulse.lms.risk;

import java.util.Arrays;

/**
 * The class as it stood at the end of a course day: every active member's activity figures,
 * sorted. A member's score is computed against these on the course day, and again when a grade of
 * the member arrives before the next one ({@code riskScore.updateAtGrades}): the classmates' day
 * is not over until its end, so they are compared as of the last one. Kept per course in its own
 * store ({@link CourseSignals#CLASS_DAYS}), written once a day and when a grade opens or resolves
 * an alert, and checkpointed, so that an update after a restore scores exactly as it would have
 * without one. The figures are immutable; {@link #scoreAlertsOpen} follows the day's grades.
 */
final class CohortDay {
  /** End of the course day (a day tick's due time). */
  final long at;

  /** UTC day index of the day that ended. */
  final int lastDay;

  /** Whole days from the course start to {@link #at}. */
  final int courseDay;

  // Sorted, one value per active member.
  final int[] active7;
  final int[] active28;
  final int[] daysSince;
  final int[] clicks14;
  final int[] submitted;

  private final Features.Cohort medians;

  /**
   * The members with an open RISK_SCORE alert (the course's budget): counted at the ranking, then
   * kept up to date by the alerts a grade opens or resolves before the next one. Alerts that an
   * enrolment's end closes meanwhile stay counted until the next ranking: the budget errs on the
   * side of fewer alerts.
   */
  int scoreAlertsOpen;

  CohortDay(
      long at, int lastDay, int courseDay, int[] active7, int[] active28, int[] daysSince,
      int[] clicks14, int[] submitted) {
    this.at = at;
    this.lastDay = lastDay;
    this.courseDay = courseDay;
    this.active7 = active7;
    this.active28 = active28;
    this.daysSince = daysSince;
    this.clicks14 = clicks14;
    this.submitted = submitted;
    this.medians = computeMedians();
  }

  /** The class of a course day from each member's figures (any order); sorts copies. */
  static CohortDay of(long at, int lastDay, int courseDay, Activity[] members) {
    int n = members.length;
    int[] a7 = new int[n];
    int[] a28 = new int[n];
    int[] since = new int[n];
    int[] clicks = new int[n];
    int[] submitted = new int[n];
    for (int i = 0; i < n; i++) {
      a7[i] = members[i].active7();
      a28[i] = members[i].active28();
      since[i] = members[i].daysSince();
      clicks[i] = members[i].clicks14();
      submitted[i] = members[i].submitted();
    }
    Arrays.sort(a7);
    Arrays.sort(a28);
    Arrays.sort(since);
    Arrays.sort(clicks);
    Arrays.sort(submitted);
    return new CohortDay(at, lastDay, courseDay, a7, a28, since, clicks, submitted);
  }

  /** The sorted figures, in the order of the constructor's arrays (for the serde). */
  int[][] sortedFigures() {
    return new int[][] {active7, active28, daysSince, clicks14, submitted};
  }

  /** Active members that day. */
  int size() {
    return active7.length;
  }

  /** The class's medians and the share of it active in the last 7 days. */
  Features.Cohort medians() {
    return medians;
  }

  private Features.Cohort computeMedians() {
    int activeLastWeek = size() - upperBound(active7, 0);
    return new Features.Cohort(
        median(active28), median(daysSince), median(clicks14), median(submitted),
        activeLastWeek / (double) size());
  }

  /**
   * The share of the other members whose last work was later than {@code lastActiveDay}: active
   * while this member was not.
   */
  double shareActiveSince(int lastActiveDay) {
    int n = size();
    if (n <= 1) {
      return 0;
    }
    // A member's last active day is lastDay - daysSince: later than ours means fewer days since.
    return lowerBound(daysSince, lastDay - lastActiveDay) / (double) (n - 1);
  }

  /** Percentile ranks of a member's figures in the class ({@link Features#pct}). */
  double active7Pct(int v) {
    return Features.pct(active7, v);
  }

  double active28Pct(int v) {
    return Features.pct(active28, v);
  }

  double daysSincePct(int v) {
    return Features.pct(daysSince, v);
  }

  double clicks14Pct(int v) {
    return Features.pct(clicks14, v);
  }

  double submittedPct(int v) {
    return Features.pct(submitted, v);
  }

  /**
   * One member's activity figures over the windows ending with day {@code end}: active days in
   * the last 7 and 28, whole days since the last work, clicks in the last 14 days, and
   * assignments handed in so far.
   */
  record Activity(int end, int active7, int active28, int daysSince, int clicks14, int submitted) {
    static Activity of(StudentCourse sc, EnrollmentState en, int end) {
      return new Activity(
          end, sc.activeDays(end, 7), sc.activeDays(end, 28), ActivitySignal.daysSince(sc, en, end),
          sc.clicks(end, 14), Long.bitCount(sc.submittedBits));
    }

    int lastActiveDay() {
      return end - daysSince;
    }

    /** The same figures with {@code submitted} assignments handed in. */
    Activity withSubmitted(int submitted) {
      return new Activity(end, active7, active28, daysSince, clicks14, submitted);
    }
  }

  private static double median(int[] s) {
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }

  /** Index of the first element not less than {@code v}. */
  private static int lowerBound(int[] sorted, int v) {
    return upperBound(sorted, v - 1);
  }

  /** Index of the first element greater than {@code v}. */
  private static int upperBound(int[] sorted, int v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
