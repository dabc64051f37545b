package coursepulse.lms.risk;

import coursepulse.lms.risk.model.Contribution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The model's strongest risk-raising contributions in words an instructor reads: "no activity for
 * 12 days while 80 % of the class was active", "missed 2 of 3 assessments so far", "average score
 * 35 vs class median 71". Several features that say the same thing give one phrase.
 *
 * <p>A contribution is named only when the values its phrase quotes show the student on the risky
 * side: fewer active days than the class median, more days without activity than it, a missed
 * assessment, and so on. A positive contribution alone does not say that: percentile ranks put a
 * student who ties with most of the class (0 submissions, class median 0) below the middle, and
 * correlated features can carry coefficients of either sign. Before this check, 54 % of OULAD
 * 2013J's risk records named such a contribution ("no activity for 1 day (class median 1)"), and
 * 3 % of its alerts; an instructor who reads one stops trusting the others.
 */
final class FactorPhrases {
  /** Phrases per alert or score record. */
  static final int MAX = 3;

  private FactorPhrases() {}

  /**
   * How one model feature is told: when its quoted values show the student behind ({@code
   * showsRisk}) and in which words. Plain concatenation, not String.format: a phrase is built for
   * every score sent, and a Formatter looks up the locale's digits each time. Integers print as
   * %d does in Locale.ROOT.
   */
  private record Phrase(
      Predicate<Map<String, Double>> showsRisk, Function<Map<String, Double>, String> words) {}

  // A feature and its phrase change together: a new model feature gets its entry here. Features
  // without one (logCourseWeek, context values) are never named.
  private static final Map<String, Phrase> PHRASES = phrases();

  private static Map<String, Phrase> phrases() {
    Map<String, Phrase> p = new HashMap<>();
    p.put(Features.ACTIVE_28_PCT, new Phrase(
        f -> v(f, Features.ACTIVE_28) < v(f, Features.ACTIVE_28_MEDIAN),
        f -> "active on " + (int) v(f, Features.ACTIVE_28) + " of the last 28 days (class median "
            + number(v(f, Features.ACTIVE_28_MEDIAN)) + ")"));
    p.put(Features.ACTIVE_7_PCT, new Phrase(
        // The phrase quotes the share of the class active, not a median of active days: only a
        // student with no active day is plainly behind it.
        f -> v(f, Features.ACTIVE_7) == 0 && v(f, Features.CLASS_ACTIVE_7) > 0,
        f -> "active on " + (int) v(f, Features.ACTIVE_7) + " of the last 7 days while "
            + Math.round(v(f, Features.CLASS_ACTIVE_7) * 100) + " % of the class was active"));
    Phrase daysSince = new Phrase(
        f -> v(f, Features.DAYS_SINCE_ACTIVE) > v(f, Features.DAYS_SINCE_MEDIAN),
        f -> "no activity for " + days((int) v(f, Features.DAYS_SINCE_ACTIVE)) + " (class median "
            + number(v(f, Features.DAYS_SINCE_MEDIAN)) + ")");
    p.put(Features.DAYS_SINCE_PCT, daysSince);
    p.put(Features.DAYS_SINCE_VS_CLASS, daysSince);
    p.put(Features.CLICKS_14_PCT, new Phrase(
        f -> v(f, Features.CLICKS_14) < v(f, Features.CLICKS_14_MEDIAN),
        f -> (int) v(f, Features.CLICKS_14) + " interactions in the last 14 days (class median "
            + number(v(f, Features.CLICKS_14_MEDIAN)) + ")"));
    p.put(Features.SUBMITTED_PCT, new Phrase(
        f -> v(f, Features.SUBMITTED) < v(f, Features.SUBMITTED_MEDIAN),
        f -> {
          int n = (int) v(f, Features.SUBMITTED);
          return "submitted " + n + " assignment" + (n == 1 ? "" : "s") + " so far (class median "
              + number(v(f, Features.SUBMITTED_MEDIAN)) + ")";
        }));
    p.put(Features.MISSED_SHARE, new Phrase(
        f -> v(f, Features.MISSED) > 0,
        f -> missed((int) v(f, Features.MISSED), (int) v(f, Features.DUE))));
    p.put(Features.SCORE_VS_CLASS, new Phrase(
        f -> Math.round(v(f, Features.SCORE_MEAN)) < Math.round(v(f, Features.SCORE_CLASS_MEDIAN)),
        f -> "scores average " + Math.round(v(f, Features.SCORE_MEAN)) + " vs class median "
            + Math.round(v(f, Features.SCORE_CLASS_MEDIAN))));
    p.put(Features.EARNED_SHARE, new Phrase(
        f -> v(f, Features.EARNED_SHARE) < 0.995, // the phrase rounds to whole percent
        f -> "handed in and passed " + Math.round(v(f, Features.EARNED_SHARE) * 100)
            + " % of the assessment weight due so far"));
    p.put(Features.UNSUBMITTED_SHARE, new Phrase(
        f -> v(f, Features.UNSUBMITTED) > 0,
        f -> "never handed in " + (int) v(f, Features.UNSUBMITTED) + " of "
            + assessments((int) v(f, Features.DUE)) + " due so far"));
    p.put(Features.ACTIVITY_TREND, new Phrase(
        f -> v(f, Features.ACTIVE_7) < weeklyBefore(f),
        f -> "active on " + (int) v(f, Features.ACTIVE_7) + " of the last 7 days against "
            + number(Math.round(weeklyBefore(f) * 10) / 10.0) + " a week in the 3 weeks before"));
    return Map.copyOf(p);
  }

  static List<String> of(List<Contribution> contributions, Map<String, Double> f) {
    Set<String> out = new LinkedHashSet<>();
    // "missed 1 of 2 assessments so far" and "never handed in 1 of 2 assessments due so far" say
    // one thing when no missed deadline was made good later: name it once.
    boolean sameWork = v(f, Features.MISSED) == v(f, Features.UNSUBMITTED);
    boolean workNamed = false;
    for (Contribution c : contributions) {
      if (out.size() == MAX || !(c.contribution() > 0)) {
        break;
      }
      boolean work =
          c.feature().equals(Features.MISSED_SHARE) || c.feature().equals(Features.UNSUBMITTED_SHARE);
      if (work && workNamed && sameWork) {
        continue;
      }
      Phrase phrase = PHRASES.get(c.feature());
      if (phrase != null && phrase.showsRisk().test(f)) {
        out.add(phrase.words().apply(f));
        workNamed |= work;
      }
    }
    return new ArrayList<>(out);
  }

  /** Whether {@code feature} has a phrase, so that {@link #of} can name it as a reason. */
  static boolean canName(String feature) {
    return PHRASES.containsKey(feature);
  }

  /** Whether the values the feature's phrase quotes put the student on the risky side. */
  static boolean showsRisk(String feature, Map<String, Double> f) {
    Phrase phrase = PHRASES.get(feature);
    return phrase != null && phrase.showsRisk().test(f);
  }

  /** The value, NaN when absent (every comparison with it is false: nothing is shown). */
  private static double v(Map<String, Double> f, String name) {
    Double x = f.get(name);
    return x == null ? Double.NaN : x;
  }

  /** Active days a week in the three weeks before the last 7 days. */
  private static double weeklyBefore(Map<String, Double> f) {
    return (v(f, Features.ACTIVE_28) - v(f, Features.ACTIVE_7)) / 3;
  }

  static String inactivity(double days, double classShare) {
    return "no activity for " + days(Math.round(days)) + " while "
        + Math.round(classShare * 100) + " % of the class was active";
  }

  private static String days(long n) {
    return n + (n == 1 ? " day" : " days");
  }

  /** A whole number as such, otherwise one decimal as {@code %.1f} (half-up) gives it. */
  static String number(double v) {
    if (v == Math.rint(v)) {
      return Long.toString((long) v);
    }
    // A value whose shortest form has one decimal (a median of whole numbers, a rounded tenth)
    // is that form: %.1f rounds those same digits and finds nothing to round.
    String shortest = Double.toString(v);
    int dot = shortest.indexOf('.');
    if (dot > 0 && dot == shortest.length() - 2) {
      return shortest;
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /**
   * {@code MISSED_WORK}'s factors: its reason ("missed 1 of 3 assessments so far"), then the
   * model's without "never handed in" when that says the same (no missed deadline was made good
   * later), as {@link #of} names it once among the model's own.
   */
  static List<String> missedWork(Map<String, Double> f, List<String> model) {
    String reason = missed((int) v(f, Features.MISSED), (int) v(f, Features.DUE));
    List<String> rest = model;
    if (v(f, Features.MISSED) == v(f, Features.UNSUBMITTED)) {
      String same = PHRASES.get(Features.UNSUBMITTED_SHARE).words().apply(f);
      rest = model.stream().filter(p -> !p.equals(same)).toList();
    }
    return leading(reason, rest);
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
    return "missed " + missed + " of " + assessments(due) + " so far";
  }

  /** "1 assessment", "3 assessments": the count the phrase is "of". */
  private static String assessments(int n) {
    return n + (n == 1 ? " assessment" : " assessments");
  }

  /** One graded assessment against its class median (per mille; median -1 when unknown). */
  static String grade(int permille, int classMedian) {
    return classMedian < 0
        ? "score " + Math.round(permille / 10.0) + " of 100"
        : "score " + Math.round(permille / 10.0) + " vs class median "
            + Math.round(classMedian / 10.0);
  }
}
