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
      case Features.ACTIVE_28_PCT:
        return String.format(
            Locale.ROOT, "active on %d of the last 28 days (class median %s)",
            f.get(Features.ACTIVE_28).intValue(), number(f.get(Features.ACTIVE_28_MEDIAN)));
      case Features.ACTIVE_7_PCT:
        return String.format(
            Locale.ROOT, "active on %d of the last 7 days while %d %% of the class was active",
            f.get(Features.ACTIVE_7).intValue(), Math.round(f.get(Features.CLASS_ACTIVE_7) * 100));
      case Features.DAYS_SINCE_PCT:
      case Features.DAYS_SINCE_VS_CLASS:
        return String.format(
            Locale.ROOT, "no activity for %d days (class median %s)",
            f.get(Features.DAYS_SINCE_ACTIVE).intValue(), number(f.get(Features.DAYS_SINCE_MEDIAN)));
      case Features.CLICKS_14_PCT:
        return String.format(
            Locale.ROOT, "%d interactions in the last 14 days (class median %s)",
            f.get(Features.CLICKS_14).intValue(), number(f.get(Features.CLICKS_14_MEDIAN)));
      case Features.SUBMITTED_PCT:
        int n = f.get(Features.SUBMITTED).intValue();
        return String.format(
            Locale.ROOT, "submitted %d assignment%s so far (class median %s)",
            n, n == 1 ? "" : "s", number(f.get(Features.SUBMITTED_MEDIAN)));
      case Features.MISSED_SHARE:
        return missed(f.get(Features.MISSED).intValue(), f.get(Features.DUE).intValue());
      case Features.SCORE_VS_CLASS:
        return String.format(
            Locale.ROOT, "scores average %d vs class median %d",
            Math.round(f.get(Features.SCORE_MEAN)), Math.round(f.get(Features.SCORE_CLASS_MEDIAN)));
      case Features.EARNED_SHARE:
        return String.format(
            Locale.ROOT, "handed in and passed %d %% of the assessment weight due so far",
            Math.round(f.get(Features.EARNED_SHARE) * 100));
      case Features.UNSUBMITTED_SHARE:
        return String.format(
            Locale.ROOT, "never handed in %d of %d assessments due so far",
            f.get(Features.UNSUBMITTED).intValue(), f.get(Features.DUE).intValue());
      case Features.ACTIVITY_TREND:
        double before = (f.get(Features.ACTIVE_28) - f.get(Features.ACTIVE_7)) / 3;
        return String.format(
            Locale.ROOT, "active on %d of the last 7 days against %s a week in the 3 weeks before",
            f.get(Features.ACTIVE_7).intValue(), number(Math.round(before * 10) / 10.0));
      default:
        return null; // logCourseWeek and context values are never shown
    }
  }

  static String inactivity(double days, double classShare) {
    return String.format(
        Locale.ROOT, "no activity for %d days while %d %% of the class was active",
        Math.round(days), Math.round(classShare * 100));
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** The rule's own reason first, then the model's, without repeats, at most {@link #MAX}. */
  static List<String> leading(String reason, List<String> model) {
    Set<String> out = new LinkedHashSet<>();
    out.add(reason);
    for (String m : model) {
      if (out.size() < MAX) {
        out.add(m);
      }
    }
    return new ArrayList<>(out);
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
}
