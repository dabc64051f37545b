package coursepulse.lms.risk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The feature vector of a student-course on a course day: stable names (training data and model
 * files refer to them), computed from the student's {@link StudentCourse} and the cohort's
 * figures of the same day. "Rel" features are log ratios against the cohort median, so 0 means
 * "like the median classmate" whatever the course's rhythm.
 */
final class Features {
  static final String COURSE_DAY = "courseDay";
  static final String ACTIVE_7 = "activeDays7";
  static final String ACTIVE_14 = "activeDays14";
  static final String ACTIVE_28 = "activeDays28";
  static final String ACTIVE_7_REL = "activeDays7Rel";
  static final String ACTIVE_14_REL = "activeDays14Rel";
  static final String ACTIVE_28_REL = "activeDays28Rel";
  /** Mean active days per week in the 21 days before the last 7: the student's own baseline. */
  static final String OWN_BASELINE = "ownWeeklyBaseline";
  static final String DAYS_SINCE_ACTIVE = "daysSinceActive";
  static final String DAYS_SINCE_ACTIVE_REL = "daysSinceActiveRel";
  /** Share of classmates active in the course since the student's last activity. */
  static final String CLASS_ACTIVE_SINCE = "classActiveSince";
  /** Active days in the last 7 against the student's own 21 days before, net of the class's. */
  static final String TREND = "trend";
  static final String ON_TIME = "submittedOnTime";
  static final String LATE = "submittedLate";
  static final String MISSED = "missed";
  static final String DUE = "due";
  static final String MISSED_SHARE = "missedShare";
  /** Deadlines passed in the last {@code missedWork.windowDays}, and those missed. */
  static final String DUE_RECENT = "dueRecent";
  static final String MISSED_RECENT = "missedRecent";
  static final String GRADED = "graded";
  static final String FAILED = "failed";
  static final String SCORE_MEAN = "scoreMean";
  static final String SCORE_CLASS_MEDIAN = "scoreClassMedian";
  static final String SCORE_VS_MEDIAN = "scoreVsMedian";

  private Features() {}

  /** What the cohort looked like on the day: medians over the active members. */
  record Cohort(
      double median7, double median14, double median28, double medianSince, double meanActive7,
      double meanActivePrior) {}

  /** The student's own figures of the day. */
  record Own(
      int active7, int active14, int active28, int activePrior21, int daysSince, double classSince,
      int graded, int failed, double scoreMean, double classMedianMean, int dueRecent,
      int missedRecent) {}

  static Map<String, Double> of(int courseDay, Own o, StudentCourse sc, Cohort c) {
    Map<String, Double> f = new LinkedHashMap<>();
    f.put(COURSE_DAY, (double) courseDay);
    f.put(ACTIVE_7, (double) o.active7());
    f.put(ACTIVE_14, (double) o.active14());
    f.put(ACTIVE_28, (double) o.active28());
    f.put(ACTIVE_7_REL, logRatio(o.active7(), c.median7()));
    f.put(ACTIVE_14_REL, logRatio(o.active14(), c.median14()));
    f.put(ACTIVE_28_REL, logRatio(o.active28(), c.median28()));
    f.put(OWN_BASELINE, o.activePrior21() / 3.0);
    f.put(DAYS_SINCE_ACTIVE, (double) o.daysSince());
    f.put(DAYS_SINCE_ACTIVE_REL, logRatio(o.daysSince(), c.medianSince()));
    f.put(CLASS_ACTIVE_SINCE, o.classSince());
    f.put(
        TREND,
        logRatio(o.active7(), o.activePrior21() / 3.0)
            - logRatio(c.meanActive7(), c.meanActivePrior() / 3.0));
    f.put(ON_TIME, (double) sc.onTime);
    f.put(LATE, (double) sc.late);
    f.put(MISSED, (double) sc.missed);
    f.put(DUE, (double) sc.due());
    f.put(MISSED_SHARE, sc.due() == 0 ? 0.0 : (double) sc.missed / sc.due());
    f.put(DUE_RECENT, (double) o.dueRecent());
    f.put(MISSED_RECENT, (double) o.missedRecent());
    f.put(GRADED, (double) o.graded());
    f.put(FAILED, (double) o.failed());
    f.put(SCORE_MEAN, o.graded() == 0 ? 0.0 : o.scoreMean());
    f.put(SCORE_CLASS_MEDIAN, o.graded() == 0 ? 0.0 : o.classMedianMean());
    f.put(SCORE_VS_MEDIAN, o.graded() == 0 ? 0.0 : o.scoreMean() - o.classMedianMean());
    return f;
  }

  private static double logRatio(double value, double reference) {
    return Math.log((value + 1) / (reference + 1));
  }
}
