package coursepulse.lms.risk.model;

import java.util.Locale;
import java.util.Map;

/**
 * What {@code train} prints: the rows used and skipped ({@link #rows}, before the fit), then the
 * coefficients and held-out quality ({@link #format}).
 */
public final class TrainingReport {
  private TrainingReport() {}

  /**
   * The rows of {@code set} and the records left out, printed before the fit so that they show
   * even when the fit is refused (no rows, one class).
   */
  public static String rows(TrainingSet set) {
    StringBuilder out = new StringBuilder();
    TrainingSet.Skipped s = set.skipped();
    if (set.rows().isEmpty()) {
      out.append("rows: none at weekly cut-offs\n");
    } else {
      ModelFile.Training t = ModelTrainer.training(set, 0);
      out.append(
          String.format(
              Locale.ROOT,
              "rows: %,d at weekly cut-offs, %,d student-courses in %s, %.1f %% at risk, %s to %s%n",
              t.rows(),
              t.pairs(),
              String.join(" ", t.courses()),
              100 * t.positiveRate(),
              t.from(),
              t.to()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "skipped records: %,d not at a cut-off, %,d outside --from/--to, %,d other courses, %,d"
                + " without an outcome, %,d after withdrawal, %,d later or repeated records of a"
                + " cut-off day%n",
            s.notCutOff(),
            s.outsideWindow(),
            s.otherCourse(),
            s.noOutcome(),
            s.notEnrolled(),
            s.duplicates()));
    return out.toString();
  }

  /** The model fitted on the rows {@link #rows} described: coefficients, held-out quality. */
  public static String format(RiskModel model) {
    StringBuilder out = new StringBuilder();
    ModelFile file = model.file();
    ModelFile.Training t = file.training();
    out.append(
        String.format(
            Locale.ROOT,
            "model %s (C %s), log-odds per standard deviation:%n",
            model.version(),
            file.c()));
    out.append(String.format(Locale.ROOT, "  %-24s %+.4f%n", "(intercept)", file.intercept()));
    for (ModelFile.Feature f : file.features()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-24s %+.4f%s%n",
              f.name(),
              f.coefficient(),
              f.transform() == Transform.NONE ? "" : "  (" + f.transform().label() + ")"));
    }
    ModelFile.HeldOut h = file.heldOut();
    if (h == null) {
      out.append("held out: no rows (every student fell into the training share)\n");
      return out.toString();
    }
    out.append(
        String.format(
            Locale.ROOT,
            "held out (%.0f %% of students): %,d rows, %,d student-courses, %.1f %% at risk%n",
            100 * t.heldOutShare(),
            h.n(),
            h.pairs(),
            100 * h.positiveRate()));
    out.append("  ROC AUC ").append(auc(h.auc()));
    for (Map.Entry<Integer, Double> e : h.aucByWeek().entrySet()) {
      out.append(", week ").append(e.getKey()).append(' ').append(auc(e.getValue()));
    }
    out.append(String.format(Locale.ROOT, "; log-loss %.4f%n", h.logLoss()));
    return out.toString();
  }

  private static String auc(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }
}
