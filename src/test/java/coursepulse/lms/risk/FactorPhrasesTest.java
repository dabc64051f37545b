package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.risk.model.Contribution;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FactorPhrasesTest {

  /** A day-end feature map of a student and the class's medians (values an instructor reads). */
  private static Map<String, Double> day(
      int active28, double active28Median, int daysSince, double daysSinceMedian,
      int submitted, double submittedMedian) {
    Map<String, Double> f = new HashMap<>();
    f.put(Features.ACTIVE_28, (double) active28);
    f.put(Features.ACTIVE_28_MEDIAN, active28Median);
    f.put(Features.ACTIVE_7, 3.0);
    f.put(Features.CLASS_ACTIVE_7, 0.9);
    f.put(Features.DAYS_SINCE_ACTIVE, (double) daysSince);
    f.put(Features.DAYS_SINCE_MEDIAN, daysSinceMedian);
    f.put(Features.CLICKS_14, 40.0);
    f.put(Features.CLICKS_14_MEDIAN, 100.0);
    f.put(Features.SUBMITTED, (double) submitted);
    f.put(Features.SUBMITTED_MEDIAN, submittedMedian);
    f.put(Features.MISSED, 0.0);
    f.put(Features.DUE, 0.0);
    f.put(Features.UNSUBMITTED, 0.0);
    return f;
  }

  private static List<Contribution> raising(String... features) {
    Contribution[] c = new Contribution[features.length];
    for (int i = 0; i < features.length; i++) {
      c[i] = new Contribution(features[i], 0, 1.0 - i * 0.1); // strongest first, all positive
    }
    return List.of(c);
  }

  @Test
  void shouldNameOnlyContributionsWhoseQuotedValuesShowTheStudentBehindTheClass() {
    // Tied with the class median (a percentile rank below the middle, so a positive
    // contribution): not a reason an instructor would accept, so not named.
    Map<String, Double> f = day(12, 10, 1, 1, 0, 0);
    List<String> phrases = FactorPhrases.of(
        raising(Features.SUBMITTED_PCT, Features.DAYS_SINCE_PCT, Features.ACTIVE_28_PCT,
            Features.ACTIVE_7_PCT, Features.CLICKS_14_PCT),
        f);
    assertThat(phrases).containsExactly("40 interactions in the last 14 days (class median 100)");
  }

  @Test
  void shouldNameTheSameContributionsWhenTheStudentIsBehind() {
    Map<String, Double> f = day(2, 10, 9, 1, 0, 1);
    f.put(Features.ACTIVE_7, 0.0);
    assertThat(FactorPhrases.of(
            raising(Features.SUBMITTED_PCT, Features.DAYS_SINCE_PCT, Features.ACTIVE_28_PCT),
            f))
        .containsExactly(
            "submitted 0 assignments so far (class median 1)",
            "no activity for 9 days (class median 1)",
            "active on 2 of the last 28 days (class median 10)");
    assertThat(FactorPhrases.of(raising(Features.ACTIVE_7_PCT), f))
        .containsExactly("active on 0 of the last 7 days while 90 % of the class was active");
  }

  @Test
  void shouldNameNothingForAContributionThatLowersTheRiskOrAFeatureThatIsAbsent() {
    Map<String, Double> f = day(2, 10, 9, 1, 0, 1);
    assertThat(FactorPhrases.of(List.of(new Contribution(Features.ACTIVE_28_PCT, 0, -0.5)), f))
        .isEmpty();
    // no grades yet: the score's phrase has nothing to quote
    assertThat(FactorPhrases.showsRisk(Features.SCORE_VS_CLASS, f)).isFalse();
    assertThat(FactorPhrases.showsRisk(Features.EARNED_SHARE, f)).isFalse();
  }

  /** A day of a student who missed the one assessment due so far and never handed it in. */
  private static Map<String, Double> missedTheOnlyAssessment() {
    Map<String, Double> f = day(2, 10, 9, 1, 0, 1);
    f.put(Features.MISSED, 1.0);
    f.put(Features.UNSUBMITTED, 1.0);
    f.put(Features.DUE, 1.0);
    return f;
  }

  @Test
  void shouldNameMissedWorkOnceWhenNoMissedDeadlineWasMadeGoodLater() {
    Map<String, Double> f = missedTheOnlyAssessment();
    List<Contribution> c =
        raising(Features.UNSUBMITTED_SHARE, Features.SUBMITTED_PCT, Features.MISSED_SHARE,
            Features.ACTIVE_28_PCT);
    assertThat(FactorPhrases.of(c, f))
        .containsExactly(
            "never handed in 1 of 1 assessment due so far",
            "submitted 0 assignments so far (class median 1)",
            "active on 2 of the last 28 days (class median 10)");
    // two missed, one of them handed in late: two facts
    f.put(Features.MISSED, 2.0);
    f.put(Features.DUE, 2.0);
    assertThat(FactorPhrases.of(c, f))
        .containsExactly(
            "never handed in 1 of 2 assessments due so far",
            "submitted 0 assignments so far (class median 1)",
            "missed 2 of 2 assessments so far");
  }

  @Test
  void shouldNotRepeatMissedWorkAfterTheMissedWorkRulesOwnReason() {
    Map<String, Double> f = missedTheOnlyAssessment();
    List<String> model = List.of("never handed in 1 of 1 assessment due so far",
        "submitted 0 assignments so far (class median 1)");
    assertThat(FactorPhrases.missedWork(f, model)).containsExactly(
        "missed 1 of 1 assessment so far", "submitted 0 assignments so far (class median 1)");
    // one of two missed deadlines made good later: two facts
    f.put(Features.MISSED, 2.0);
    f.put(Features.DUE, 2.0);
    assertThat(FactorPhrases.missedWork(f, List.of("never handed in 1 of 2 assessments due so far")))
        .containsExactly("missed 2 of 2 assessments so far",
            "never handed in 1 of 2 assessments due so far");
  }

  @Test
  void shouldCountAssessmentsInWords() {
    assertThat(FactorPhrases.missed(1, 1)).isEqualTo("missed 1 of 1 assessment so far");
    assertThat(FactorPhrases.missed(1, 3)).isEqualTo("missed 1 of 3 assessments so far");
  }

  @Test
  void shouldCountDaysInWords() {
    assertThat(FactorPhrases.inactivity(1, 0.8))
        .isEqualTo("no activity for 1 day while 80 % of the class was active");
    assertThat(FactorPhrases.inactivity(12, 0.8))
        .isEqualTo("no activity for 12 days while 80 % of the class was active");
    Map<String, Double> f = day(2, 10, 1, 0, 0, 1);
    assertThat(FactorPhrases.of(raising(Features.DAYS_SINCE_VS_CLASS), f))
        .containsExactly("no activity for 1 day (class median 0)");
  }

  @Test
  void shouldPrintWholeNumbersPlainAndOthersAsFormatDoes() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      double v =
          switch (i % 3) {
            case 0 -> random.nextInt(400) / 2.0;
            case 1 -> Math.round(random.nextDouble() * 300) / 10.0;
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(9));
          };
      String expected =
          v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
      assertThat(FactorPhrases.number(v)).as("%s", v).isEqualTo(expected);
    }
  }
}
