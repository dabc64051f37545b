package coursepulse.lms.risk;

import coursepulse.lms.risk.model.Contribution;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The model's strongest risk-raising contributions in words an instructor reads: "no activity for
 * 12 days while 80 % of the class was active", "missed 2 of 3 assessments so far", "average score
 * 35 vs class median 71". Several features that say the same thing give one phrase.
 */
final class FactorPhrases {
  /** Phrases per alert or score record. */
  static final int MAX = 3;

  private FactorPhrases() {}

  static List<String> of(List<Contribution> contributions, Map<String, Double> f) {
    Set<String> out = new LinkedHashSet<>();
    for (Contribution c : contributions) {
      if (out.size() == MAX || !(c.contribution() > 0)) {
        break;
      }
      String phrase = phrase(c.feature(), f);
      if (phrase != null) {
        out.add(phrase);
      }
    }
    return new ArrayList<>(out);
  }

  private static String phrase(String feature, Map<String, Double> f) {
    switch (feature) {
      case Features.DAYS_SINCE_ACTIVE:
      case Features.DAYS_SINCE_ACTIVE_REL:
      case Features.CLASS_ACTIVE_SINCE:
        return inactivity(f.get(Features.DAYS_SINCE_ACTIVE), f.get(Features.CLASS_ACTIVE_SINCE));
      case Features.ACTIVE_7:
      case Features.ACTIVE_7_REL:
        return activeDays(f, Features.ACTIVE_7, Features.ACTIVE_7_REL, 7);
      case Features.ACTIVE_14:
      case Features.ACTIVE_14_REL:
        return activeDays(f, Features.ACTIVE_14, Features.ACTIVE_14_REL, 14);
      case Features.ACTIVE_28:
      case Features.ACTIVE_28_REL:
        return activeDays(f, Features.ACTIVE_28, Features.ACTIVE_28_REL, 28);
      case Features.TREND:
        // A negative trend can come from the class being busier, not the student doing less.
        return f.get(Features.OWN_BASELINE) <= f.get(Features.ACTIVE_7)
            ? null
            : String.format(
                Locale.ROOT, "active on %d day%s in the last week, down from %.1f a week before",
                f.get(Features.ACTIVE_7).intValue(), f.get(Features.ACTIVE_7) == 1 ? "" : "s",
                f.get(Features.OWN_BASELINE));
      case Features.MISSED:
      case Features.MISSED_SHARE:
      case Features.DUE:
        return missed(f.get(Features.MISSED).intValue(), f.get(Features.DUE).intValue());
      case Features.LATE:
        return String.format(
            Locale.ROOT, "handed in %d of %d assessments late",
            f.get(Features.LATE).intValue(), f.get(Features.DUE).intValue());
      case Features.FAILED:
        return String.format(
            Locale.ROOT, "failed %d of %d graded assessments",
            f.get(Features.FAILED).intValue(), f.get(Features.GRADED).intValue());
      case Features.SCORE_MEAN:
      case Features.SCORE_VS_MEDIAN:
      case Features.SCORE_CLASS_MEDIAN:
        return f.get(Features.GRADED) == 0
            ? null
            : String.format(
                Locale.ROOT, "average score %d vs class median %d",
                Math.round(f.get(Features.SCORE_MEAN) * 100),
                Math.round(f.get(Features.SCORE_CLASS_MEDIAN) * 100));
      default:
        return null;
    }
  }

  static String inactivity(double days, double classShare) {
    return String.format(
        Locale.ROOT, "no activity for %d days while %d %% of the class was active",
        Math.round(days), Math.round(classShare * 100));
  }

  static String missed(int missed, int due) {
    return String.format(Locale.ROOT, "missed %d of %d assessments so far", missed, due);
  }

  /** One graded assessment against its class median (per mille; median -1 when unknown). */
  static String grade(int permille, int classMedian) {
    return classMedian < 0
        ? String.format(Locale.ROOT, "score %d of 100", Math.round(permille / 10.0))
        : String.format(
            Locale.ROOT, "score %d vs class median %d",
            Math.round(permille / 10.0), Math.round(classMedian / 10.0));
  }

  private static String activeDays(Map<String, Double> f, String feature, String rel, int window) {
    double own = f.get(feature);
    // The median back from the log ratio ln((own + 1) / (median + 1)).
    long median = Math.round((own + 1) / Math.exp(f.get(rel)) - 1);
    return String.format(
        Locale.ROOT, "active on %d of the last %d days (class median %d)", (int) own, window, median);
  }
}
