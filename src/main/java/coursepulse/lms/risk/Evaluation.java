package coursepulse.lms.risk;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Measures alert quality against the simulator's ground truth. Pure: no I/O beyond its inputs.
 *
 * <p>The unit is the student-course pair of the ground truth. A course-level alert counts for its
 * pair; a student-level alert (no course) for every pair of that student. Only openings count. A
 * pair with a {@code disengagedAt} is <em>caught</em> by the first alert opened at or after that
 * time, and the lead time is the time from onset to that alert. Per rule and overall:
 *
 * <ul>
 *   <li>recall = caught pairs / pairs with a {@code disengagedAt};
 *   <li>precision = caught pairs / alerted pairs (a pair alerted only before its onset, or never
 *       disengaged, is a false alarm);
 *   <li>lead time median and p90 over caught pairs (nearest rank), in days;
 *   <li>false-alarm rate = alerted pairs / pairs of persona {@code engaged}; overall also the share
 *       of engaged students alerted in any course.
 * </ul>
 *
 * Alerts for pairs absent from the ground truth are counted as unmatched, not scored.
 */
public final class Evaluation {

  /** The persona whose alerts are false alarms by definition. */
  public static final String ENGAGED = "engaged";

  private Evaluation() {}

  /** Scores of one rule, or of all rules together ({@code rule} "ALL"). */
  public record RuleScore(
      String rule,
      int disengagedPairs,
      int caughtPairs,
      int alertedPairs,
      double precision,
      double recall,
      double medianLeadDays,
      double p90LeadDays,
      int engagedPairs,
      int engagedPairsAlerted,
      double falseAlarmRate) {}

  /** Scores of one persona under all rules together. */
  public record PersonaScore(
      String persona, int pairs, int disengagedPairs, int caughtPairs, int alertedPairs,
      double recall, double medianLeadDays) {}

  /**
   * The evaluation's result.
   *
   * @param overall all rules together
   * @param perRule each rule, in {@link Rule} order
   * @param perPersona all rules together, per persona, sorted by name
   * @param engagedStudents students whose every pair has persona {@code engaged}
   * @param engagedStudentsAlerted engaged students with an alert in any course
   * @param alertsOpened alert openings read
   * @param unmatchedAlerts openings for students or pairs not in the ground truth
   */
  public record Report(
      RuleScore overall,
      List<RuleScore> perRule,
      List<PersonaScore> perPersona,
      int engagedStudents,
      int engagedStudentsAlerted,
      int alertsOpened,
      int unmatchedAlerts) {

    /** Share of engaged students alerted in any course; NaN with no engaged students. */
    public double engagedStudentAlertRate() {
      return engagedStudents == 0 ? Double.NaN : (double) engagedStudentsAlerted / engagedStudents;
    }

    /**
     * A printable report: one table per rule, one per persona. Every rule gets scores: the alerts
     * read may come from any configuration ({@code evaluate} reads 04-Alerts as it is).
     */
    public String format() {
      return format(rule -> false);
    }

    /**
     * As {@link #format()}, but the rules {@code rules} turns off print as "off": their zero
     * scores ("n/a 0.00 0 320 0") read as if the rule had run and caught nobody. For a caller that
     * knows the configuration the alerts came from, such as {@code demo}.
     */
    public String format(RulesConfig rules) {
      return format(rule -> !rule.equals(overall.rule()) && !rules.enabled(Rule.valueOf(rule)));
    }

    private String format(java.util.function.Predicate<String> off) {
      StringBuilder s = new StringBuilder();
      s.append(String.format(Locale.ROOT,
          "Alert quality: %d alerts opened, %d unmatched (not in ground truth)%n%n",
          alertsOpened, unmatchedAlerts));
      s.append(String.format(Locale.ROOT, "%-17s %9s %7s %7s %9s %9s %11s %9s %11s%n",
          "rule", "precision", "recall", "caught", "disengag.", "alerted", "lead p50 d",
          "lead p90", "false-alarm"));
      for (RuleScore r : perRule) {
        if (off.test(r.rule())) {
          s.append(String.format(Locale.ROOT, "%-17s %9s   (turned off in the rules)%n",
              r.rule(), "off"));
        } else {
          row(s, r);
        }
      }
      row(s, overall);
      s.append(String.format(Locale.ROOT,
          "%nEngaged students alerted in any course: %d of %d (%s)%n%n",
          engagedStudentsAlerted, engagedStudents, pct(engagedStudentAlertRate())));
      s.append(String.format(Locale.ROOT, "%-15s %7s %10s %7s %7s %7s %11s%n",
          "persona", "pairs", "disengag.", "caught", "recall", "alerted", "lead p50 d"));
      for (PersonaScore p : perPersona) {
        s.append(String.format(Locale.ROOT, "%-15s %7d %10d %7d %7s %7d %11s%n",
            p.persona(), p.pairs(), p.disengagedPairs(), p.caughtPairs(), num(p.recall()),
            p.alertedPairs(), num(p.medianLeadDays())));
      }
      return s.toString();
    }

    private static void row(StringBuilder s, RuleScore r) {
      s.append(String.format(Locale.ROOT, "%-17s %9s %7s %7d %9d %9d %11s %9s %11s%n",
          r.rule(), num(r.precision()), num(r.recall()), r.caughtPairs(), r.disengagedPairs(),
          r.alertedPairs(), num(r.medianLeadDays()), num(r.p90LeadDays()),
          pct(r.falseAlarmRate())));
    }

    private static String num(double v) {
      return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(double v) {
      return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
  }

  /** Decodes alert records as read from {@code 04-Alerts}; undecodable ones are skipped. */
  public static List<Alert> decodeAll(Iterable<byte[]> records) {
    List<Alert> out = new ArrayList<>();
    for (byte[] b : records) {
      try {
        out.add(AlertCodec.decode(b));
      } catch (IllegalArgumentException e) {
        // not an alert record: the stream is ours, but be robust to foreign writers
      }
    }
    return out;
  }

  /**
   * The {@code evaluate} command's core: decodes the records of {@code 04-Alerts} (read from the
   * first offset) and scores them against the ground-truth file.
   */
  public static Report evaluate(Iterable<byte[]> alertRecords, java.nio.file.Path groundTruth)
      throws java.io.IOException {
    return evaluate(decodeAll(alertRecords), GroundTruth.read(groundTruth));
  }

  /** Scores {@code alerts} against {@code truth}. */
  public static Report evaluate(Iterable<Alert> alerts, List<GroundTruth> truth) {
    Map<String, List<GroundTruth>> pairsByStudent = new HashMap<>();
    Map<String, GroundTruth> pairByKey = new HashMap<>();
    for (GroundTruth g : truth) {
      pairsByStudent.computeIfAbsent(g.studentId(), k -> new ArrayList<>()).add(g);
      pairByKey.put(key(g.studentId(), g.courseId()), g);
    }
    // Opening times per rule and pair.
    Map<Rule, Map<String, List<Instant>>> opened = new LinkedHashMap<>();
    for (Rule r : Rule.values()) {
      opened.put(r, new HashMap<>());
    }
    int count = 0;
    int unmatched = 0;
    for (Alert a : alerts) {
      if (a.type() != Alert.Type.OPENED) {
        continue;
      }
      count++;
      List<GroundTruth> targets = new ArrayList<>();
      if (a.courseId() == null) {
        targets.addAll(pairsByStudent.getOrDefault(a.studentId(), List.of()));
      } else {
        GroundTruth g = pairByKey.get(key(a.studentId(), a.courseId()));
        if (g != null) {
          targets.add(g);
        }
      }
      if (targets.isEmpty()) {
        unmatched++;
      }
      for (GroundTruth g : targets) {
        opened.get(a.rule())
            .computeIfAbsent(key(g.studentId(), g.courseId()), k -> new ArrayList<>())
            .add(a.openedAt());
      }
    }
    List<RuleScore> perRule = new ArrayList<>();
    Map<String, List<Instant>> all = new HashMap<>();
    for (Map.Entry<Rule, Map<String, List<Instant>>> e : opened.entrySet()) {
      perRule.add(score(e.getKey().name(), truth, e.getValue()));
      e.getValue().forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    RuleScore overall = score("ALL", truth, all);

    Map<String, List<GroundTruth>> byPersona = new TreeMap<>();
    for (GroundTruth g : truth) {
      byPersona.computeIfAbsent(g.persona(), k -> new ArrayList<>()).add(g);
    }
    List<PersonaScore> perPersona = new ArrayList<>();
    for (Map.Entry<String, List<GroundTruth>> e : byPersona.entrySet()) {
      RuleScore s = score(e.getKey(), e.getValue(), all);
      perPersona.add(new PersonaScore(e.getKey(), e.getValue().size(), s.disengagedPairs(),
          s.caughtPairs(), s.alertedPairs(), s.recall(), s.medianLeadDays()));
    }

    Set<String> engagedStudents = new HashSet<>();
    Set<String> notEngaged = new HashSet<>();
    for (GroundTruth g : truth) {
      (ENGAGED.equals(g.persona()) ? engagedStudents : notEngaged).add(g.studentId());
    }
    engagedStudents.removeAll(notEngaged);
    int engagedAlerted = 0;
    for (String student : engagedStudents) {
      for (GroundTruth g : pairsByStudent.get(student)) {
        if (all.containsKey(key(student, g.courseId()))) {
          engagedAlerted++;
          break;
        }
      }
    }
    return new Report(overall, perRule, perPersona, engagedStudents.size(), engagedAlerted, count,
        unmatched);
  }

  private static RuleScore score(String name, List<GroundTruth> pairs, Map<String, List<Instant>> opened) {
    int disengaged = 0;
    int caught = 0;
    int alerted = 0;
    int engaged = 0;
    int engagedAlerted = 0;
    List<Long> leads = new ArrayList<>();
    for (GroundTruth g : pairs) {
      List<Instant> times = opened.getOrDefault(key(g.studentId(), g.courseId()), List.of());
      boolean any = !times.isEmpty();
      if (ENGAGED.equals(g.persona())) {
        engaged++;
        if (any) {
          engagedAlerted++;
        }
      }
      Instant first = null;
      if (g.disengagedAt() != null) {
        disengaged++;
        for (Instant t : times) {
          if (!t.isBefore(g.disengagedAt()) && (first == null || t.isBefore(first))) {
            first = t;
          }
        }
        if (first != null) {
          caught++;
          leads.add(Duration.between(g.disengagedAt(), first).toMillis());
        }
      }
      if (any) {
        alerted++;
      }
    }
    leads.sort(null);
    return new RuleScore(
        name,
        disengaged,
        caught,
        alerted,
        alerted == 0 ? Double.NaN : (double) caught / alerted,
        disengaged == 0 ? Double.NaN : (double) caught / disengaged,
        percentileDays(leads, 50),
        percentileDays(leads, 90),
        engaged,
        engagedAlerted,
        engaged == 0 ? Double.NaN : (double) engagedAlerted / engaged);
  }

  /** Nearest-rank percentile of sorted millisecond values, in days; NaN when empty. */
  static double percentileDays(List<Long> sortedMs, int p) {
    if (sortedMs.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedMs.size());
    return sortedMs.get(Math.max(0, rank - 1)) / (double) Duration.ofDays(1).toMillis();
  }

  private static String key(String student, String course) {
    return student + '\u0001' + course;
  }
}
