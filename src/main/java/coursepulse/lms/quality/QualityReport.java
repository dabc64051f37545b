package coursepulse.lms.quality;

import java.util.List;

/**
 * Everything {@code evaluate --outcomes} measured: which pairs and records it read, the alert
 * figures over the whole term, cumulatively at course weeks 2, 4, 8 and 12 and per rule, the ROC
 * AUC of the risk score and of the reference score per week, and the targets of issue 18. Print it
 * with {@link #format()}, store it with {@link #toJson()}.
 *
 * @param courses the course filter, as given
 * @param pairs how the evaluated pairs were found
 * @param inputs the records read
 * @param overall all rules, whole term
 * @param weeks all rules, cumulatively at each of {@link OutcomeEvaluation#WEEKS}
 * @param rules per rule (sorted by name), whole term
 * @param severities per severity the alerts were opened with (high, medium, low), whole term
 * @param scoreSource where the risk score came from
 * @param riskAuc the risk score's AUC per week; empty when there is no score
 * @param referenceAuc the reference score's AUC per week; empty unless asked for
 * @param targets the targets of issue 18 with the measured values
 */
public record QualityReport(
    String courses,
    Cohort.Counts pairs,
    Inputs inputs,
    Figures overall,
    List<Figures> weeks,
    List<RuleFigures> rules,
    List<RuleFigures> severities,
    ScoreSource scoreSource,
    List<WeekAuc> riskAuc,
    List<WeekAuc> referenceAuc,
    List<Target> targets) {

  /** The reference score's definition, for reports. */
  public static final String REFERENCE_NAME = "inactive days in the last 28";

  public QualityReport {
    weeks = List.copyOf(weeks);
    rules = List.copyOf(rules);
    severities = List.copyOf(severities);
    riskAuc = List.copyOf(riskAuc);
    referenceAuc = List.copyOf(referenceAuc);
    targets = List.copyOf(targets);
  }

  /** Where the risk score the AUC measures came from. */
  public enum ScoreSource {
    /** The latest {@code 05-Risk} record at or before the cut-off (0 without one). */
    RISK_STREAM("05-Risk"),
    /** The highest {@code score} of the pair's alerts opened by the cut-off (0 without one). */
    ALERT_SCORE("alert score"),
    /** No risk score: no {@code 05-Risk} record for an evaluated pair and no alert with a score. */
    NONE("none");

    private final String label;

    ScoreSource(String label) {
      this.label = label;
    }

    /** The name in reports and JSON. */
    public String label() {
      return label;
    }
  }

  /**
   * One rule's (or severity's) figures over the whole term.
   *
   * @param openings openings of this rule (severity) counted for at least one evaluated pair
   * @param figures the figures when only this rule's (severity's) alerts count
   */
  public record RuleFigures(long openings, Figures figures) {}

  /**
   * The records read.
   *
   * @param alertOpenings {@code alert_opened} records read
   * @param alertOpeningsCounted of those, openings counted for at least one evaluated pair
   * @param alertResolutions resolutions and other record types (not scored)
   * @param unreadableAlerts records that are not alerts (skipped)
   * @param riskRecords {@code 05-Risk} records read
   * @param riskRecordsMatched of those, records of evaluated pairs
   * @param unreadableRisk records that are not risk scores (skipped)
   * @param reference whether the reference score was computed
   * @param activityRecords {@code 02-Login} and {@code 03-Activity} records read for it
   * @param unreadableActivity of those, records that are not valid events (skipped)
   */
  public record Inputs(
      long alertOpenings,
      long alertOpeningsCounted,
      long alertResolutions,
      long unreadableAlerts,
      long riskRecords,
      long riskRecordsMatched,
      long unreadableRisk,
      boolean reference,
      long activityRecords,
      long unreadableActivity) {}

  /** The report as text: counts, the figure tables, the AUCs, the targets. */
  public String format() {
    return ReportText.format(this);
  }

  /** The report as pretty-printed UTF-8 JSON (same report, same bytes); NaN is written as null. */
  public byte[] toJson() {
    return ReportJson.write(this);
  }
}
