package coursepulse.lms.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * One target of the alerting (issue 18) with the measured value.
 *
 * @param name what is measured
 * @param atLeast whether the value must reach the threshold from above ({@code >=}) or stay at or
 *     below it ({@code <=})
 * @param threshold the target value (shares as fractions, leads in days)
 * @param unit how to print values: {@code share}, {@code ratio} or {@code days}
 * @param value the measured value; NaN when it cannot be measured (no risk score, no caught pair)
 */
public record Target(String name, boolean atLeast, double threshold, String unit, double value) {

  /** Met, not met, or {@code null} when the value is missing. */
  public Boolean met() {
    if (Double.isNaN(value)) {
      return null;
    }
    return atLeast ? value >= threshold : value <= threshold;
  }

  /**
   * The targets of issue 18 measured on {@code overall} figures and the risk score's AUC per week
   * ({@code riskAuc} may be empty).
   */
  static List<Target> of(Figures overall, List<WeekAuc> riskAuc) {
    List<Target> out = new ArrayList<>();
    out.add(new Target("risk-score AUC at week 4", true, 0.75, "ratio", auc(riskAuc, 4)));
    out.add(new Target("risk-score AUC at week 12", true, 0.85, "ratio", auc(riskAuc, 12)));
    out.add(new Target("passing pairs alerted during the term", false, 0.20, "share",
        overall.fineAlertedShare()));
    out.add(new Target("at-risk pairs caught (recall)", true, 0.60, "share", overall.recall()));
    out.add(new Target("withdrawn pairs' median lead", true, 21, "days",
        overall.withdrawnLeadMedianDays()));
    out.add(new Target("precision", true, 0.70, "ratio", overall.precision()));
    return out;
  }

  private static double auc(List<WeekAuc> aucs, int week) {
    for (WeekAuc a : aucs) {
      if (a.week() == week) {
        return a.auc();
      }
    }
    return Double.NaN;
  }
}
