package coursepulse.lms.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The JSON form of a {@link QualityReport}, for the README and {@code docs/quality.md}: fields in a
 * fixed order, numbers with at most four decimals (half-up), missing values as {@code null}, two
 * spaces of indentation and {@code \n} line ends, so the same report always gives the same bytes.
 * Shares are fractions (0.25, not 25 %), leads are days.
 */
final class ReportJson {
  private ReportJson() {}

  private static final JsonFactory FACTORY = new JsonFactory();

  static byte[] write(QualityReport r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      DefaultPrettyPrinter.Indenter indenter = new DefaultIndenter("  ", "\n");
      g.setPrettyPrinter(
          new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter));
      g.writeStartObject();
      g.writeStringField("courses", r.courses());
      pairs(g, r.pairs());
      inputs(g, r.inputs());
      g.writeFieldName("overall");
      figures(g, r.overall(), null, null);
      g.writeArrayFieldStart("weeks");
      for (Figures w : r.weeks()) {
        figures(g, w, null, null);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("rules");
      for (QualityReport.RuleFigures rule : r.rules()) {
        figures(g, rule.figures(), rule.openings(), "rule");
      }
      g.writeEndArray();
      g.writeArrayFieldStart("severities");
      for (QualityReport.RuleFigures severity : r.severities()) {
        figures(g, severity.figures(), severity.openings(), "severity");
      }
      g.writeEndArray();
      g.writeObjectFieldStart("riskScore");
      g.writeStringField("source", r.scoreSource().label());
      aucs(g, r.riskAuc());
      g.writeEndObject();
      if (r.inputs().reference()) {
        g.writeObjectFieldStart("reference");
        g.writeStringField("score", QualityReport.REFERENCE_NAME);
        aucs(g, r.referenceAuc());
        g.writeEndObject();
      } else {
        g.writeNullField("reference");
      }
      g.writeArrayFieldStart("targets");
      for (Target t : r.targets()) {
        g.writeStartObject();
        g.writeStringField("name", t.name());
        g.writeStringField("comparison", t.atLeast() ? ">=" : "<=");
        number(g, "threshold", t.threshold());
        number(g, "value", t.value());
        g.writeStringField("unit", t.unit());
        if (t.met() == null) {
          g.writeNullField("met");
        } else {
          g.writeBooleanField("met", t.met());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void pairs(JsonGenerator g, Cohort.Counts p) throws IOException {
    g.writeObjectFieldStart("pairs");
    g.writeNumberField("evaluated", p.pairs());
    g.writeNumberField("fine", p.fine());
    g.writeNumberField("failed", p.failed());
    g.writeNumberField("withdrawn", p.withdrawn());
    g.writeNumberField("withdrawnUndated", p.withdrawnUndated());
    g.writeNumberField("leftBeforeStart", p.leftBeforeStart());
    g.writeNumberField("outcomesWithoutEnrolment", p.outcomesWithoutEnrolment());
    g.writeNumberField("enrolmentsWithoutOutcome", p.enrolmentsWithoutOutcome());
    g.writeNumberField("unreadableEnrolmentRecords", p.unreadableRecords());
    g.writeEndObject();
  }

  private static void inputs(JsonGenerator g, QualityReport.Inputs in) throws IOException {
    g.writeObjectFieldStart("inputs");
    g.writeNumberField("alertOpenings", in.alertOpenings());
    g.writeNumberField("alertOpeningsCounted", in.alertOpeningsCounted());
    g.writeNumberField("alertResolutions", in.alertResolutions());
    g.writeNumberField("unreadableAlerts", in.unreadableAlerts());
    g.writeNumberField("riskRecords", in.riskRecords());
    g.writeNumberField("riskRecordsMatched", in.riskRecordsMatched());
    g.writeNumberField("unreadableRisk", in.unreadableRisk());
    g.writeNumberField("activityRecords", in.activityRecords());
    g.writeNumberField("unreadableActivity", in.unreadableActivity());
    g.writeEndObject();
  }

  /** One figures object; {@code openings} and the label under {@code by} for a rule or a severity. */
  private static void figures(JsonGenerator g, Figures x, Long openings, String by)
      throws IOException {
    g.writeStartObject();
    if (openings != null) {
      g.writeStringField(by, x.label());
      g.writeNumberField("openings", openings);
    } else {
      g.writeNumberField("week", x.week());
    }
    g.writeNumberField("pairs", x.pairs());
    g.writeNumberField("fine", x.fine());
    g.writeNumberField("fineAlerted", x.fineAlerted());
    number(g, "fineAlertedShare", x.fineAlertedShare());
    g.writeNumberField("withdrawn", x.withdrawn());
    g.writeNumberField("withdrawnCaught", x.withdrawnCaught());
    number(g, "withdrawnCaughtShare", x.withdrawnCaughtShare());
    number(g, "withdrawnLeadP25Days", x.withdrawnLeadP25Days());
    number(g, "withdrawnLeadMedianDays", x.withdrawnLeadMedianDays());
    g.writeNumberField("failed", x.failed());
    g.writeNumberField("failedCaught", x.failedCaught());
    number(g, "failedCaughtShare", x.failedCaughtShare());
    g.writeNumberField("atRisk", x.atRisk());
    g.writeNumberField("atRiskAlerted", x.atRiskAlerted());
    g.writeNumberField("alerted", x.alerted());
    number(g, "precision", x.precision());
    number(g, "recall", x.recall());
    number(g, "mcc", x.mcc());
    g.writeEndObject();
  }

  private static void aucs(JsonGenerator g, List<WeekAuc> aucs) throws IOException {
    g.writeArrayFieldStart("auc");
    for (WeekAuc a : aucs) {
      g.writeStartObject();
      g.writeNumberField("week", a.week());
      g.writeNumberField("pairs", a.pairs());
      g.writeNumberField("atRisk", a.atRisk());
      number(g, "auc", a.auc());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void number(JsonGenerator g, String field, double v) throws IOException {
    g.writeFieldName(field);
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      g.writeNull();
    } else {
      BigDecimal d = BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
      g.writeNumber(d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString());
    }
  }
}
