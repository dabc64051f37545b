package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import coursepulse.lms.risk.model.ModelFile;
import coursepulse.lms.risk.model.RiskModel;
import coursepulse.lms.risk.model.Transform;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Rule#RISK_SCORE} on the test driver with a hand-set model, so that the test decides the
 * score through the student's activity, and the meters the scoring feeds.
 */
class RiskScoreAlertTest {
  private static final String COURSE = "c-A";
  private static final String STUDENT = "s-returning";

  /**
   * Risk falls with the days active in the course in the last 7: {@code score = 1 / (1 +
   * e^(activeDays7 - 2))}, so 0 active days score 0.88, 1 day 0.73, 2 days 0.50 and 3 days 0.27.
   */
  private static final RiskModel ACTIVE_DAYS_MODEL =
      RiskModel.of(
          new ModelFile(
              "active-days-7",
              "hand-set for tests",
              List.of(new ModelFile.Feature(Features.ACTIVE_7, Transform.NONE, 0, 1, -1)),
              2,
              null,
              null,
              null,
              null));

  /**
   * Opens with no active day in the last week, from course day 10 on; stays open with one or two;
   * resolves with three. A budget of 100 % never holds an alert back.
   */
  private static final RulesConfig RISK_SCORE_ONLY =
      RulesConfig.of(
              null, null, null, null, null, null, null, null, null,
              RulesConfig.RiskScoreRule.of(true, 0.85, 0.40, 100.0, 10, null), null)
          .withOnly(Rule.RISK_SCORE);

  /** Days (from the term's start) on which the student works in the course: a brief return. */
  private static final Set<Integer> ACTIVE_DAYS = Set.of(10, 11, 13);

  private static final int LAST_DAY = 21;

  /**
   * The student enrols, is silent for ten days, works on {@link #ACTIVE_DAYS}, then is silent
   * again until {@link #LAST_DAY}; each day ends with a course day tick. The score at course day
   * k counts the active days k-7 .. k-1:
   *
   * <pre>
   * course day   1..10  11    12    13    14    15..17  18    19    20    21
   * active days  0      1     2     2     3     3       2     1     1     0
   * score        0.88   0.73  0.50  0.50  0.27  0.27    0.50  0.73  0.73  0.88
   * </pre>
   */
  private static RiskFixture briefReturn() {
    RiskFixture f = new RiskFixture(RISK_SCORE_ONLY, ACTIVE_DAYS_MODEL);
    f.enroll(STUDENT, COURSE, day(-3));
    for (int d = 0; d <= LAST_DAY; d++) {
      if (ACTIVE_DAYS.contains(d)) {
        f.access(STUDENT, COURSE, day(d + 0.4));
      }
      f.advanceTo(day(d + 0.9));
    }
    return f;
  }

  @Test
  void shouldKeepARiskScoreAlertOpenUntilTheScoreFallsBelowTheCloseThreshold() {
    try (RiskFixture f = briefReturn()) {
      List<Alert> alerts = f.alerts(STUDENT);

      // Not before course day 10 although the score is 0.88 from day 1; open through days 11-13
      // (0.73, 0.50: below the open threshold, not below the close threshold); reopened only
      // once the score is back at the open threshold, not at day 18 (0.50) or 19 (0.73).
      assertThat(alerts)
          .extracting(a -> a.type() + " on course day " + courseDay(a))
          .containsExactly(
              "OPENED on course day 10", "RESOLVED on course day 14", "OPENED on course day 21");
      assertThat(alerts.get(1).evidence())
          .containsEntry("reason", "score_below_threshold")
          .containsEntry("score", Alert.ratio(0.27))
          .containsEntry("closeThreshold", Alert.ratio(0.40));
      assertThat(alerts.get(0).score()).isCloseTo(0.8808, within(0.0001));
      // The scores it stayed open through, as sent to 05-Risk, lay between the two thresholds.
      assertThat(scoresOf(f, 11, 13))
          .isNotEmpty()
          .allSatisfy(s -> assertThat(s).isBetween(0.40, 0.85));
    }
  }

  @Test
  void shouldRecordEveryScoreSentTo05RiskInTheScoreDistribution() {
    try (RiskFixture f = briefReturn()) {
      List<Double> sent = f.risk().stream().map(RiskScore::score).toList();
      DistributionSummary distribution = f.registry.get("coursepulse.risk.score").summary();

      assertThat(sent).isNotEmpty();
      assertThat(distribution.getId().getTags()).isEmpty();
      assertThat(distribution.count()).isEqualTo(sent.size());
      // In percent. 05-Risk rounds each score to four decimals; the meter records it unrounded.
      double sum = sent.stream().mapToDouble(Double::doubleValue).sum();
      assertThat(distribution.totalAmount() / 100).isCloseTo(sum, within(sent.size() * 5e-5));
    }
  }

  /**
   * Each bucket counts the scores up to its bound. Micrometer's fixed-boundary histograms count a
   * value at its ceiling ({@code TimeWindowFixedBoundaryHistogram}), so the scores are recorded in
   * percent against whole-number bounds: in [0, 1] against 0.1..0.9, every bucket stayed at 0.
   */
  @Test
  void shouldCountEachScoreSentTo05RiskInItsBucketOfTheDistribution() {
    try (RiskFixture f = briefReturn()) {
      List<Double> sent = f.risk().stream().map(RiskScore::score).toList();
      DistributionSummary distribution = f.registry.get("coursepulse.risk.score").summary();

      // 05-Risk's rounding moves none of the hand-set model's scores across a bound.
      for (CountAtBucket bucket : distribution.takeSnapshot().histogramCounts()) {
        assertThat(bucket.count())
            .as("scores up to %s", bucket.bucket())
            .isEqualTo(sent.stream().filter(s -> s * 100 <= bucket.bucket()).count());
      }
    }
  }

  @Test
  void shouldTagNoMeterWithAStudentIdOrName() {
    try (RiskFixture f = briefReturn()) {
      f.login("s-stranger", day(LAST_DAY + 0.95)); // refused: not enrolled
      List<String> personal =
          List.of(
              STUDENT, RiskFixture.BYSTANDER, "s-stranger", RiskFixture.STUDENT_NAME,
              RiskFixture.STUDENT_EMAIL);

      // The student's alerts and refused event reached the tagged meters: the check below has
      // something to look at.
      assertThat(total(f, "coursepulse.alerts", "rule", "RISK_SCORE")).isGreaterThanOrEqualTo(2);
      assertThat(total(f, "coursepulse.alerts.resolved", "rule", "RISK_SCORE"))
          .isGreaterThanOrEqualTo(1);
      assertThat(total(f, "coursepulse.dead.letters", "reason", DeadLetter.NOT_ENROLLED))
          .isEqualTo(1);
      for (Meter meter : f.registry.getMeters()) {
        for (Tag tag : meter.getId().getTags()) {
          assertThat(tag.getKey() + "=" + tag.getValue())
              .as("a tag of %s", meter.getId().getName())
              .doesNotContain(personal);
        }
      }
    }
  }

  private static double total(RiskFixture f, String counter, String tag, String value) {
    return f.registry.get(counter).tag(tag, value).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static long courseDay(Alert a) {
    return Duration.between(RiskFixture.TERM_START, a.eventTime()).toDays();
  }

  /** The student's scores sent to 05-Risk at the ends of course days {@code from..to}. */
  private static List<Double> scoresOf(RiskFixture f, int from, int to) {
    return f.risk().stream()
        .filter(r -> r.studentId().equals(STUDENT))
        .filter(r -> !r.at().isBefore(day(from)) && !r.at().isAfter(day(to)))
        .map(RiskScore::score)
        .toList();
  }
}
