package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.Evaluation;
import coursepulse.lms.risk.GroundTruth;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse evaluate}: alert quality against the simulator's ground truth. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Reads 04-Alerts from the first offset and the simulator's ground truth, and prints"
          + " precision, recall, lead time (median, p90) per rule and overall, and the share of"
          + " engaged students ever alerted.",
      "The unit is the student-course pair: a course-level alert counts for its course, a"
          + " student-level alert for every course of the student; a disengaged pair is caught by"
          + " the first alert opened at or after its onset."
    })
final class EvaluateCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @Option(
      names = "--ground-truth",
      required = true,
      paramLabel = "FILE",
      description = "CSV written by 'produce --ground-truth'.")
  Path groundTruth;

  @Option(
      names = "--alerts-stream",
      defaultValue = StreamNames.ALERTS,
      paramLabel = "STREAM",
      description = "Stream holding the alerts (default: ${DEFAULT-VALUE}).")
  String alertsStream;

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
    try (StreamLog streams = log.open(LogOptions.Broker.RABBITMQ)) {
      // Each record once: a reset and a re-run write the same deterministic records again.
      Evaluation.Report report =
          Evaluation.evaluate(
              AlertCodec.decodeDistinct(
                  StreamDump.bodies(streams, alertsStream), applicationId, rulesHash),
              GroundTruth.read(groundTruth));
      spec.commandLine().getOut().println(report.format());
    }
    return 0;
  }
}
