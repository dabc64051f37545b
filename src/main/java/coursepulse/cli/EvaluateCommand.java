package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.outcome.OutcomesFile;
import coursepulse.lms.quality.Cohort;
import coursepulse.lms.quality.CourseFilter;
import coursepulse.lms.quality.OutcomeEvaluation;
import coursepulse.lms.quality.QualityReport;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.AlertingApp;
import coursepulse.lms.risk.Evaluation;
import coursepulse.lms.risk.GroundTruth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coursepulse evaluate}: alert quality against the simulator's ground truth, or against real
 * outcomes ({@code --outcomes}, see docs/quality.md).
 */
@Command(
    name = "evaluate",
    header = "Scores the alerts against the simulator's ground truth or real outcomes.",
    mixinStandardHelpOptions = true,
    description = {
      "Reads 04-Alerts from the first offset and scores it per student-course pair, against either",
      "  --ground-truth (the simulator's): precision, recall, lead time (median, p90) per rule and"
          + " overall, and the share of engaged students ever alerted; a student-level alert counts"
          + " for every course of the student, a disengaged pair is caught by the first alert"
          + " opened at or after its onset; or",
      "  --outcomes (real results, e.g. from 'import oulad --outcomes'): with 01-Enrollment for the"
          + " course dates, the share of passing pairs alerted, withdrawn pairs alerted >= 7 days"
          + " before leaving (share, p25 and median lead), failed pairs alerted before the last 14"
          + " days, precision, recall and MCC, cumulatively at course weeks 2, 4, 8 and 12, per"
          + " rule, the ROC AUC of the risk score (05-Risk, else alert scores) among pairs still"
          + " enrolled, and the targets of issue 18. Definitions: docs/quality.md."
    })
final class EvaluateCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @Option(
      names = "--ground-truth",
      paramLabel = "FILE",
      description = "CSV written by 'produce --ground-truth'.")
  Path groundTruth;

  @Option(
      names = "--outcomes",
      paramLabel = "FILE",
      description = "CSV studentId,courseId,finalResult,withdrawnAt (e.g. 'import oulad --outcomes').")
  Path outcomes;

  @Option(
      names = "--alerts-stream",
      paramLabel = "STREAM",
      description =
          "Stream holding the alerts (default: "
              + StreamNames.ALERTS
              + ", or <id>-alerts with --application-id <id>, where 'process -a <id>' writes).")
  String alertsStream;

  @Option(
      names = "--risk-stream",
      paramLabel = "STREAM",
      description =
          "With --outcomes: risk-score side output, used when it exists and has records of the"
              + " evaluated pairs (default: "
              + StreamNames.RISK
              + ", or <id>-risk with --application-id <id>).")
  String riskStream;

  @Option(
      names = "--courses",
      paramLabel = "LIST",
      description =
          "With --outcomes: course ids or globs, comma-separated, e.g. AAA-2013J,BBB-2013J or"
              + " '*-2013J' (default: every course).")
  String courses;

  @Option(
      names = "--reference",
      description =
          "With --outcomes: also read 02-Login and 03-Activity for the AUC of the reference score"
              + " 'inactive days in the last 28' (reads every activity record).")
  boolean reference;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "With --outcomes: also write every figure to FILE as JSON.")
  Path json;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description = "Score only alerts stamped with this application id (default: any).")
  String applicationId;

  @Option(
      names = "--rules-hash",
      paramLabel = "HEX",
      description = "Score only alerts decided by rules with this hash (default: any).")
  String rulesHash;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if ((groundTruth == null) == (outcomes == null)) {
      throw new ParameterException(spec.commandLine(),
          "give exactly one of --ground-truth FILE (simulator) or --outcomes FILE (real outcomes)");
    }
    if (groundTruth != null && (courses != null || reference || json != null)) {
      throw new ParameterException(spec.commandLine(),
          "--courses, --reference and --json go with --outcomes, not --ground-truth");
    }
    // The streams 'process -a <id>' writes, unless named: the default ones hold another app's.
    String app = applicationId != null ? applicationId : AlertingApp.DEFAULT_APPLICATION_ID;
    alertsStream = alertsStream != null ? alertsStream : AlertingApp.defaultAlertsStream(app);
    riskStream = riskStream != null ? riskStream : AlertingApp.defaultRiskStream(app);
    try (StreamLog streams = log.open(LogOptions.Broker.RABBITMQ)) {
      if (groundTruth != null) {
        var truth = GroundTruth.read(groundTruth);
        requireAlerts(streams);
        // Each record once: a reset and a re-run write the same deterministic records again.
        var alerts =
            AlertCodec.decodeDistinct(
                StreamDump.bodies(streams, alertsStream), applicationId, rulesHash);
        warnIfNoneMatched(alerts.size());
        Evaluation.Report report = Evaluation.evaluate(alerts, truth);
        spec.commandLine().getOut().println(report.format());
        return 0;
      }
      QualityReport report = againstOutcomes(streams);
      spec.commandLine().getOut().print(report.format());
      spec.commandLine().getOut().flush();
      if (json != null) {
        Files.write(json, report.toJson());
      }
    }
    return 0;
  }

  private QualityReport againstOutcomes(StreamLog streams) throws java.io.IOException {
    CourseFilter filter = CourseFilter.parse(courses);
    var outcomeList = OutcomesFile.read(outcomes);
    if (!streams.streamExists(StreamNames.ENROLLMENT)) {
      throw new IllegalArgumentException("stream " + StreamNames.ENROLLMENT + " does not exist on "
          + streams.describe() + " (the enrolments give every course's dates): import or produce"
          + " the data first, or check --uri / --broker");
    }
    requireAlerts(streams);
    Cohort.Builder enrolments = Cohort.builder(filter);
    StreamDump.forEach(streams, StreamNames.ENROLLMENT, enrolments::enrollment);
    OutcomeEvaluation evaluation =
        new OutcomeEvaluation(enrolments.build(outcomeList), reference, applicationId, rulesHash);
    StreamDump.forEach(streams, alertsStream, evaluation::alert);
    warnIfNoneMatched(evaluation.alertsMatched());
    if (streams.streamExists(riskStream)) {
      StreamDump.forEach(streams, riskStream, evaluation::risk);
    }
    if (reference) {
      for (String stream : new String[] {StreamNames.LOGIN, StreamNames.ACTIVITY}) {
        if (streams.streamExists(stream)) {
          StreamDump.forEach(streams, stream, evaluation::activity);
        }
      }
    }
    return evaluation.report();
  }

  /** The alerts stream exists: 'process' writes it, so that is what to run first. */
  private void requireAlerts(StreamLog streams) {
    if (!streams.streamExists(alertsStream)) {
      throw new IllegalArgumentException("stream " + alertsStream + " does not exist on "
          + streams.describe() + " (it holds the alerts to score): run 'process"
          + (applicationId == null ? "" : " --application-id " + applicationId) + "' first, which"
          + " writes it, or check --alerts-stream, --uri / --broker");
    }
  }

  /** A filter that matched nothing gives a report of zeros: say so rather than let it pass. */
  private void warnIfNoneMatched(long matched) {
    if (matched == 0 && (applicationId != null || rulesHash != null)) {
      spec.commandLine().getErr().println("warning: no alert in " + alertsStream
          + " is stamped with" + (applicationId == null ? "" : " application id " + applicationId)
          + (applicationId != null && rulesHash != null ? " and" : "")
          + (rulesHash == null ? "" : " rules hash " + rulesHash)
          + "; check --application-id / --rules-hash against the ids 'process' prints, or"
          + " --alerts-stream");
    }
  }
}
