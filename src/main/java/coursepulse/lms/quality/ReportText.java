package coursepulse.lms.quality;

import java.util.List;
import java.util.Locale;

/** The text form of a {@link QualityReport}: what {@code evaluate --outcomes} prints. */
final class ReportText {
  private ReportText() {}

  private static final String ROW = "%-18s %7s %9s %10s %9s %9s %10s %9s %7s %6s%n";

  static String format(QualityReport r) {
    StringBuilder s = new StringBuilder();
    Cohort.Counts p = r.pairs();
    QualityReport.Inputs in = r.inputs();
    s.append(f("Alert quality against real outcomes, courses: %s%n", r.courses()));
    s.append(f("Student-course pairs evaluated: %d (passed %d, failed %d, withdrawn %d", p.pairs(),
        p.fine(), p.failed(), p.withdrawn()));
    if (p.withdrawnUndated() > 0) {
      s.append(f(", of which %d without a date: scored as leaving at the course end",
          p.withdrawnUndated()));
    }
    s.append(f(")%n"));
    s.append(f("Left at or before the course start, not evaluated: %d pairs%n",
        p.leftBeforeStart()));
    if (p.outcomesWithoutEnrolment() + p.enrolmentsWithoutOutcome() > 0) {
      s.append(f("Not evaluated: %d outcomes without an enrolment, %d enrolments without an"
          + " outcome%n", p.outcomesWithoutEnrolment(), p.enrolmentsWithoutOutcome()));
    }
    s.append(f("Alerts: %d openings read, %d counted for evaluated pairs during their term, %d"
        + " resolutions ignored", in.alertOpenings(), in.alertOpeningsCounted(),
        in.alertResolutions()));
    s.append(skipped(in.unreadableAlerts() + p.unreadableRecords()
        + in.unreadableRisk() + in.unreadableActivity()));
    s.append(f("%n%nAll rules (alerted = an alert opened during the pair's term; at week w:"
        + " before course start + 7w days,%npairs that left by then excluded). Caught: withdrawn"
        + " >= %d days before leaving, failed before the last %d days.%n",
        Figures.WITHDRAWN_LEAD_DAYS, Figures.FAIL_MARGIN_DAYS));
    s.append(header("view", "pairs"));
    row(s, r.overall().label(), String.valueOf(r.overall().pairs()), r.overall());
    for (Figures w : r.weeks()) {
      row(s, w.label(), String.valueOf(w.pairs()), w);
    }
    s.append(f("%nPer rule, whole term (only this rule's alerts count)%n"));
    s.append(header("rule", "opened"));
    for (QualityReport.RuleFigures rule : r.rules()) {
      row(s, rule.figures().label(), String.valueOf(rule.openings()), rule.figures());
    }
    if (r.rules().isEmpty()) {
      s.append(f("(no alert counted)%n"));
    }
    if (!r.severities().isEmpty()) {
      s.append(f("%nPer severity at opening, whole term (only alerts opened with it count)%n"));
      s.append(header("severity", "opened"));
      for (QualityReport.RuleFigures severity : r.severities()) {
        row(s, severity.figures().label(), String.valueOf(severity.openings()), severity.figures());
      }
    }
    auc(s, r);
    s.append(f("%nTargets (issue 18)%n%-40s %9s %9s  %s%n", "target", "goal", "measured",
        "status"));
    for (Target t : r.targets()) {
      Boolean met = t.met();
      s.append(f("%-40s %9s %9s  %s%n", t.name(),
          (t.atLeast() ? ">= " : "<= ") + value(t.threshold(), t.unit()),
          value(t.value(), t.unit()),
          met == null ? "n/a" : met ? "met" : "not met"));
    }
    return s.toString();
  }

  private static void auc(StringBuilder s, QualityReport r) {
    QualityReport.Inputs in = r.inputs();
    s.append(f("%nRisk score: "));
    switch (r.scoreSource()) {
      case RISK_STREAM -> s.append(f("05-Risk (%d records, %d of evaluated pairs; the latest at or"
          + " before the cut-off, 0 without one)%n", in.riskRecords(), in.riskRecordsMatched()));
      case ALERT_SCORE -> s.append(f("the highest alert score opened by the cut-off (no 05-Risk"
          + " records; 0 without one)%n"));
      case NONE -> s.append(f("none (no 05-Risk record for these pairs, no alert with a score)%n"));
    }
    List<WeekAuc> risk = r.riskAuc();
    List<WeekAuc> ref = r.referenceAuc();
    if (risk.isEmpty() && ref.isEmpty()) {
      s.append(f("(add --reference for the AUC of '%s')%n", QualityReport.REFERENCE_NAME));
      return;
    }
    s.append(f("ROC AUC among pairs still enrolled at the cut-off (ties count half)%n"));
    s.append(f("%-6s %7s %8s %9s %14s%n", "week", "pairs", "at risk", "risk AUC",
        ref.isEmpty() ? "" : "reference AUC"));
    List<WeekAuc> shape = risk.isEmpty() ? ref : risk;
    for (int k = 0; k < shape.size(); k++) {
      WeekAuc a = shape.get(k);
      s.append(f("%-6d %7d %8d %9s %14s%n", a.week(), a.pairs(), a.atRisk(),
          risk.isEmpty() ? "n/a" : num(risk.get(k).auc()),
          ref.isEmpty() ? "" : num(ref.get(k).auc())));
    }
    if (!ref.isEmpty()) {
      s.append(f("reference score: %s before the cut-off, any event counting (%d records read)%n",
          QualityReport.REFERENCE_NAME, in.activityRecords()));
    }
  }

  private static String header(String label, String count) {
    return f(ROW, label, count, "passed", "withdrawn", "lead p25", "lead p50", "failed", "precision",
        "recall", "MCC")
        + f(ROW, "", "", "alerted", "caught", "days", "days", "caught", "", "", "");
  }

  private static void row(StringBuilder s, String label, String count, Figures x) {
    s.append(f(ROW, label, count, pct(x.fineAlertedShare()), pct(x.withdrawnCaughtShare()),
        num1(x.withdrawnLeadP25Days()), num1(x.withdrawnLeadMedianDays()),
        pct(x.failedCaughtShare()), num(x.precision()), num(x.recall()), num(x.mcc())));
  }

  private static String skipped(long unreadable) {
    return unreadable == 0 ? "" : f("; %d unreadable records skipped", unreadable);
  }

  private static String value(double v, String unit) {
    return switch (unit) {
      case "share" -> pct(v);
      case "days" -> Double.isNaN(v) ? "n/a" : num1(v) + " d";
      default -> num(v);
    };
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "n/a" : f("%.1f%%", v * 100);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "n/a" : f("%.2f", v);
  }

  private static String num1(double v) {
    return Double.isNaN(v) ? "n/a" : f("%.1f", v);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
