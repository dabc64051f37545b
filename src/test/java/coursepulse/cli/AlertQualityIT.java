package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Evaluation;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product end to end on RabbitMQ: {@code produce} a full 15-week semester, {@code process} it
 * with the default rules until idle, then score {@code 04-Alerts} against the ground truth exactly
 * as {@code evaluate} does, and hold the quality to the calibrated targets of {@code
 * docs/rules.md}.
 *
 * <p>Seed 42 and 500 students (about 100 s on a loaded 2-core machine). Measured on this run:
 * 6.6 % of engaged students alerted (7 of 106), ghost 1.00 / 7.0 d, fading 1.00 / 12.7 d, dropout
 * 0.84 / 6.6 d, returning 1.00 / 5.8 d. With 106 engaged students one student is 0.9 points, so
 * the 5 % target (met on the 2,000-student semester: 4.7 %) is asserted here with a two-student
 * allowance, 7 %; the other bounds keep a margin of at least one pair over this run.
 */
@ExtendWith(RabbitMqExtension.class)
class AlertQualityIT {
  private static final int STUDENTS = 500;

  @Test
  void shouldMeetTheAlertQualityTargetsOnASimulatedSemester(RabbitVhost vhost, @TempDir Path dir)
      throws Exception {
    Path truth = dir.resolve("truth.csv");
    assertThat(run("produce", "--uri", vhost.uri(), "--students", Integer.toString(STUDENTS),
            "--speed", "max", "--ground-truth", truth.toString(), "--quiet"))
        .isZero();
    assertThat(run("process", "--uri", vhost.uri(), "--application-id", "quality-it",
            "--state-dir", dir.resolve("state").toString(), "--stop-when-idle", "3",
            "--metrics-port", "0", "--quiet"))
        .isZero();

    Evaluation.Report report;
    try (RabbitStreamLog log = vhost.openLog()) {
      report = Evaluation.evaluate(StreamDump.bodies(log, "quality-it-alerts"), truth);
    }
    System.out.println(report.format());
    Map<String, Evaluation.PersonaScore> persona =
        report.perPersona().stream()
            .collect(Collectors.toMap(Evaluation.PersonaScore::persona, Function.identity()));

    assertThat(report.unmatchedAlerts()).isZero();
    // targets of issue 7 that the simulator allows (docs/rules.md, "Against the targets")
    assertThat(report.engagedStudentAlertRate()).as("engaged students alerted").isLessThanOrEqualTo(ENGAGED_ALERTED_MAX);
    assertThat(persona.get("ghost").recall()).as("ghost recall").isGreaterThanOrEqualTo(0.9);
    assertThat(persona.get("ghost").medianLeadDays()).as("ghost lead").isLessThanOrEqualTo(8);
    assertThat(persona.get("fading").recall()).as("fading recall").isGreaterThanOrEqualTo(0.9);
    assertThat(persona.get("dropout").medianLeadDays()).as("dropout lead").isLessThanOrEqualTo(8);
    assertThat(persona.get("returning").recall()).as("returning recall").isGreaterThanOrEqualTo(0.9);
    // below target, by the simulator's construction (docs/rules.md): a dropout who withdraws
    // within a week of disengaging cannot be caught by a week of silence, and a fading student's
    // decay (tau 3-8 days) is not separable from an engaged student's quiet week in under ~11 days
    assertThat(persona.get("dropout").recall()).as("dropout recall").isGreaterThanOrEqualTo(DROPOUT_RECALL_FLOOR);
    assertThat(persona.get("fading").medianLeadDays()).as("fading lead").isLessThanOrEqualTo(FADING_LEAD_CEILING);
  }

  private static final double ENGAGED_ALERTED_MAX = 0.07;
  private static final double DROPOUT_RECALL_FLOOR = 0.75;
  private static final double FADING_LEAD_CEILING = 14;

  private static int run(String... args) {
    return Main.run(args);
  }
}
