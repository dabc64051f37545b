package coursepulse.lms.quality;

import java.util.Arrays;

/**
 * The alert figures of one view: the whole term or a course-week cut-off, all rules or one. The
 * unit is the student-course pair; a pair is <em>alerted</em> when an alert counted for it opened
 * during its term (and before the cut-off). Definitions in {@code docs/quality.md}.
 *
 * @param label what the view is: {@code whole term}, {@code week 4}, or a rule name
 * @param week the course week of the cut-off, 0 for the whole term
 * @param pairs pairs in the view (at a cut-off: enrolled and not yet left at it)
 * @param fine pairs that passed
 * @param fineAlerted passed pairs alerted
 * @param withdrawn pairs that withdrew
 * @param withdrawnCaught withdrawn pairs alerted at least {@value #WITHDRAWN_LEAD_DAYS} days before
 *     they left
 * @param withdrawnLeadP25Days 25th percentile (nearest rank) of the caught withdrawn pairs' lead:
 *     days from their first alert to their withdrawal; NaN when none was caught
 * @param withdrawnLeadMedianDays the median (nearest rank) of the same
 * @param failed pairs that failed
 * @param failedCaught failed pairs alerted before the last {@value #FAIL_MARGIN_DAYS} days of the
 *     course
 * @param atRisk withdrawn and failed pairs
 * @param atRiskAlerted at-risk pairs alerted (in time or not)
 * @param alerted pairs alerted
 * @param precision at-risk pairs among the alerted ones; NaN when none was alerted
 * @param recall caught at-risk pairs (withdrawn and failed caught) among all at-risk pairs; NaN
 *     without at-risk pairs
 * @param mcc Matthews correlation of "alerted" with "at risk"; 0 when a row or column of the
 *     confusion matrix is empty
 */
public record Figures(
    String label,
    int week,
    int pairs,
    int fine,
    int fineAlerted,
    int withdrawn,
    int withdrawnCaught,
    double withdrawnLeadP25Days,
    double withdrawnLeadMedianDays,
    int failed,
    int failedCaught,
    int atRisk,
    int atRiskAlerted,
    int alerted,
    double precision,
    double recall,
    double mcc) {

  /** A withdrawn pair counts as caught when alerted at least this many days before leaving. */
  public static final int WITHDRAWN_LEAD_DAYS = 7;

  /** A failed pair counts as caught when alerted before the course's last this many days. */
  public static final int FAIL_MARGIN_DAYS = 14;

  /** Share of passed pairs alerted; NaN without passed pairs. */
  public double fineAlertedShare() {
    return share(fineAlerted, fine);
  }

  /** Share of withdrawn pairs caught; NaN without withdrawn pairs. */
  public double withdrawnCaughtShare() {
    return share(withdrawnCaught, withdrawn);
  }

  /** Share of failed pairs caught; NaN without failed pairs. */
  public double failedCaughtShare() {
    return share(failedCaught, failed);
  }

  /**
   * The figures of {@code cohort} when pair {@code i}'s first counted alert opened at {@code
   * firstAlertMs[i]} ({@link Long#MAX_VALUE} when never), cut at course week {@code week} (0: the
   * whole term).
   */
  static Figures of(String label, int week, Cohort cohort, long[] firstAlertMs) {
    int pairs = 0;
    int fine = 0;
    int fineAlerted = 0;
    int withdrawn = 0;
    int withdrawnCaught = 0;
    int failed = 0;
    int failedCaught = 0;
    int atRiskAlerted = 0;
    double[] leads = new double[cohort.size()];
    for (int i = 0; i < cohort.size(); i++) {
      long cut = week == 0 ? Long.MAX_VALUE : cohort.cutMs(i, week);
      if (week != 0 && !cohort.enrolledAt(i, cut)) {
        continue;
      }
      pairs++;
      long first = firstAlertMs[i];
      boolean alerted = first < cut;
      switch (cohort.result(i)) {
        case PASS, DISTINCTION -> {
          fine++;
          fineAlerted += alerted ? 1 : 0;
        }
        case WITHDRAWN -> {
          withdrawn++;
          atRiskAlerted += alerted ? 1 : 0;
          long lead = cohort.leftMs[i] - first;
          if (alerted && lead >= WITHDRAWN_LEAD_DAYS * Cohort.DAY_MS) {
            leads[withdrawnCaught++] = lead / (double) Cohort.DAY_MS;
          }
        }
        case FAIL -> {
          failed++;
          atRiskAlerted += alerted ? 1 : 0;
          long deadline = Math.min(cut, cohort.endMs[i] - FAIL_MARGIN_DAYS * Cohort.DAY_MS);
          failedCaught += first < deadline ? 1 : 0;
        }
      }
    }
    int atRisk = withdrawn + failed;
    int alerted = atRiskAlerted + fineAlerted;
    double[] caught = Arrays.copyOf(leads, withdrawnCaught);
    Arrays.sort(caught);
    return new Figures(label, week, pairs, fine, fineAlerted, withdrawn, withdrawnCaught,
        nearestRank(caught, 25), nearestRank(caught, 50), failed, failedCaught, atRisk,
        atRiskAlerted, alerted, share(atRiskAlerted, alerted),
        share(withdrawnCaught + failedCaught, atRisk),
        mcc(atRiskAlerted, fineAlerted, atRisk - atRiskAlerted, fine - fineAlerted));
  }

  /** The nearest-rank percentile of sorted values: the value at rank ⌈p/100 · n⌉; NaN when empty. */
  static double nearestRank(double[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** Matthews correlation coefficient; 0 when a marginal total is 0 (as scikit-learn does). */
  static double mcc(long tp, long fp, long fn, long tn) {
    double denominator = Math.sqrt((double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
    return denominator == 0 ? 0 : ((double) tp * tn - (double) fp * fn) / denominator;
  }

  private static double share(int part, int whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }
}
