package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.day;
import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.risk.model.ModelFile;
import coursepulse.lms.risk.model.RiskModel;
import coursepulse.lms.risk.model.Transform;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * With {@code riskScore.updateAtGrades} (the default), the risk score follows a student's grades
 * between course days: an alert opens when a failing grade arrives, not at the next day's end. A grade is scored
 * with the student's own work so far, the class as it was ranked at the end of the last course
 * day, and the student's submissions as they were ranked then; work without a grade moves
 * nothing until the next course day. Hand-set models make the score a known function of one
 * feature.
 */
class ScoreBetweenCourseDaysTest {
  private static final String A = "c-A";
  private static final int CLASS = 20;

  /** score = logistic(x - 5) of one feature: 0.007 at 0, 0.5 at 5, 0.95 at 8. */
  private static RiskModel modelOf(String feature, double coefficient) {
    return RiskModel.of(
        new ModelFile(
            "hand-" + feature, null,
            List.of(new ModelFile.Feature(feature, Transform.NONE, 0.0, 1.0, coefficient)),
            coefficient > 0 ? -5.0 : 0.0, null, null, null, null));
  }

  /**
   * RISK_SCORE alone, opening at 0.9 and closing below {@code close}, from course day 7, updated at
   * grades between course days (the default).
   */
  private static RulesConfig riskScore(double close, double budgetPercent) {
    return riskScore(close, budgetPercent, null);
  }

  private static RulesConfig riskScore(
      double close, double budgetPercent, Boolean updateAtGrades) {
    return RulesConfig.of(null, null, null, null, null, null, null, null, null,
            RulesConfig.RiskScoreRule.of(true, 0.9, close, budgetPercent, 7, updateAtGrades), null)
        .withOnly(Rule.RISK_SCORE);
  }

  private static String student(int i) {
    return "s" + (i < 10 ? "0" : "") + i;
  }

  private static void enrollClass(RiskFixture f) {
    for (int i = 0; i < CLASS; i++) {
      f.enroll(student(i), A, day(-3));
    }
  }

  /** Every student but those in {@code silent} views a page on each of days [from, to). */
  private static void workDaily(RiskFixture f, int from, int to, Set<String> silent) {
    for (int d = from; d < to; d++) {
      for (int i = 0; i < CLASS; i++) {
        if (!silent.contains(student(i))) {
          f.access(student(i), A, day(d + 0.4 + i * 0.001));
        }
      }
      f.advanceTo(day(d + 0.9));
    }
  }

  /**
   * The class enrols and works daily for ten days; from student {@code first} on, each hands in
   * a1 (due day 12) on day 10 with 9 of 10 points.
   */
  private static void classHandsInA1(RiskFixture f, int first) {
    enrollClass(f);
    f.assignment(A, "a1", day(1), day(12));
    workDaily(f, 0, 10, Set.of());
    for (int i = first; i < CLASS; i++) {
      f.submit(student(i), A, "a1", day(10.2 + i * 0.001), 9.0);
    }
  }

  private static List<String> lifecycle(RiskFixture f, String student) {
    return f.alerts(student).stream()
        .filter(a -> a.rule() == Rule.RISK_SCORE)
        .map(a -> a.type() + "@" + (a.type() == Alert.Type.OPENED ? a.openedAt() : a.resolvedAt()))
        .toList();
  }

  @Test
  void shouldResolveAtTheNextCourseDayWhenAFlaggedStudentWorksAgain() {
    try (RiskFixture f = new RiskFixture(riskScore(0.5, 100), modelOf("daysSinceActive", 1))) {
      enrollClass(f);
      workDaily(f, 0, 7, Set.of());
      workDaily(f, 7, 16, Set.of(student(0)));
      f.advanceTo(day(16.1)); // the class ranked at the end of day 15
      f.access(student(0), A, day(16.4));
      f.advanceTo(day(16.9));
      // Last work on day 6: the day ending at day 15 is the 8th silent one (score 0.95). Back on
      // day 16, which is not over for the class either: the alert stays until day 16 is ranked.
      assertThat(lifecycle(f, student(0))).containsExactly("OPENED@" + day(15));

      f.advanceTo(day(17.1));
      assertThat(lifecycle(f, student(0)))
          .containsExactly("OPENED@" + day(15), "RESOLVED@" + day(17));
      assertThat(f.alerts(student(0)).get(1).evidence())
          .containsEntry("reason", "score_below_threshold");
    }
  }

  @Test
  void shouldCountTheStudentsOwnWorkOfTheDayAtAGrade() {
    try (RiskFixture f = new RiskFixture(riskScore(0.5, 100), modelOf("daysSinceActive", 1))) {
      enrollClass(f);
      f.assignment(A, "a1", day(1), day(20));
      workDaily(f, 0, 7, Set.of());
      workDaily(f, 7, 16, Set.of(student(0)));
      f.advanceTo(day(16.1));
      f.submit(student(0), A, "a1", day(16.4), 6.0);
      f.advanceTo(day(16.9));

      // Back with a graded submission: no day without work any more (score 0.007), resolved at
      // the grade, not when day 16 is ranked.
      assertThat(lifecycle(f, student(0)))
          .containsExactly("OPENED@" + day(15), "RESOLVED@" + day(16.4));
    }
  }

  /**
   * A student who hands in at noon does not rank above classmates who hand in later that day: a
   * grade is scored on the student's submissions as ranked at the last course day's end, as the
   * classmates' are. (Scored on the student's count of the moment, the alert below resolved at
   * the noon submission, when its score fell to 0.5, and reopened later.)
   */
  @Test
  void shouldScoreAGradeOnTheSubmissionsRankedAtTheLastCourseDay() {
    // score = logistic(3 - 3 * submitted): 0.95 before any submission, 0.5 after one.
    RiskModel bySubmissions =
        RiskModel.of(
            new ModelFile(
                "hand-submitted", null,
                List.of(new ModelFile.Feature("submitted", Transform.NONE, 0.0, 1.0, -3.0)),
                3.0, null, null, null, null));
    try (RiskFixture f = new RiskFixture(riskScore(0.6, 5), bySubmissions)) { // one alert
      enrollClass(f);
      f.assignment(A, "a1", day(1), day(12));
      workDaily(f, 0, 10, Set.of());
      f.advanceTo(day(10.1)); // the class ranked at the end of day 9
      assertThat(lifecycle(f, student(0))).containsExactly("OPENED@" + day(7));

      f.submit(student(0), A, "a1", day(10.5), 9.0);
      for (int i = 1; i < CLASS; i++) {
        f.submit(student(i), A, "a1", day(10.7 + i * 0.001), 9.0);
      }
      f.advanceTo(day(10.9));
      assertThat(lifecycle(f, student(0))).containsExactly("OPENED@" + day(7));

      f.advanceTo(day(11.1));
      assertThat(lifecycle(f, student(0)))
          .containsExactly("OPENED@" + day(7), "RESOLVED@" + day(11));
    }
  }

  @Test
  void shouldNeverOpenOnWorkBetweenCourseDays() {
    // A model under which work raises the score: it may rise on work, but opens only when the day
    // ends and the class is ranked.
    try (RiskFixture f = new RiskFixture(riskScore(0.5, 100), modelOf("clicks14", 1))) {
      enrollClass(f);
      workDaily(f, 0, 10, Set.of(student(0)));
      for (int k = 0; k < 10; k++) {
        f.access(student(0), A, day(10.4 + k * 0.01));
      }
      f.advanceTo(day(10.9));
      assertThat(lifecycle(f, student(0))).isEmpty();

      f.advanceTo(day(11.1));
      assertThat(lifecycle(f, student(0))).contains("OPENED@" + day(11));
    }
  }

  @Test
  void shouldOpenWhenAFailingGradeArrivesWithinTheCoursesBudget() {
    // score = logistic(-scoreVsClass): 0.5 before any grade, 0.98 at 1 of 10 against a median 9.
    RiskModel byGrade = modelOf("scoreVsClass", -1);
    try (RiskFixture f = new RiskFixture(riskScore(0.6, 5), byGrade)) { // 5 % of 20: one alert
      classHandsInA1(f, 2);
      f.submit(student(0), A, "a1", day(10.5), 1.0);
      f.submit(student(1), A, "a1", day(10.6), 1.0);
      f.advanceTo(day(12.5));

      assertThat(lifecycle(f, student(0))).containsExactly("OPENED@" + day(10.5));
      assertThat(f.alerts(student(0)).get(0).factors()).isNotEmpty();
      // The budget is full: the second failing grade waits, on its day and the next.
      assertThat(lifecycle(f, student(1))).isEmpty();
    }
  }

  @Test
  void shouldWaitForTheCourseDaysRankingWhenSwitchedOff() {
    try (RiskFixture f = new RiskFixture(riskScore(0.6, 100, false), modelOf("scoreVsClass", -1))) {
      classHandsInA1(f, 1);
      f.submit(student(0), A, "a1", day(10.5), 1.0);
      f.advanceTo(day(11.5));

      assertThat(lifecycle(f, student(0))).containsExactly("OPENED@" + day(11));
    }
  }

  @Test
  void shouldKeepAnAlertOpenedBetweenCourseDaysUntilTheNextOne() {
    try (RiskFixture f = new RiskFixture(riskScore(0.6, 100), modelOf("scoreVsClass", -1))) {
      enrollClass(f);
      f.assignment(A, "a1", day(1), day(12));
      f.assignment(A, "a2", day(1), day(12));
      workDaily(f, 0, 10, Set.of());
      for (int i = 1; i < CLASS; i++) {
        f.submit(student(i), A, "a1", day(10.2 + i * 0.001), 9.0);
        f.submit(student(i), A, "a2", day(10.2 + i * 0.001), 2.0);
      }
      // A failed a1 opens (score 0.98); a2 a minute later puts the student level with the class
      // (score 0.5, under the close threshold), but the alert holds until the day's ranking.
      f.submit(student(0), A, "a1", day(10.5), 1.0);
      f.submit(student(0), A, "a2", day(10.5).plusSeconds(60), 10.0);
      f.advanceTo(day(11.5));

      assertThat(lifecycle(f, student(0)))
          .containsExactly("OPENED@" + day(10.5), "RESOLVED@" + day(11));
    }
  }

  @Test
  void shouldNotOpenOnAGradeBeforeTheFirstCourseDayThatMayAlert() {
    try (RiskFixture f = new RiskFixture(riskScore(0.6, 100), modelOf("scoreVsClass", -1))) {
      enrollClass(f);
      f.assignment(A, "a1", day(1), day(4));
      workDaily(f, 0, 3, Set.of());
      for (int i = 1; i < CLASS; i++) {
        f.submit(student(i), A, "a1", day(3.2 + i * 0.001), 9.0);
      }
      f.submit(student(0), A, "a1", day(3.5), 1.0);
      workDaily(f, 3, 7, Set.of());
      assertThat(lifecycle(f, student(0))).isEmpty();

      // Course day 7 is the first that may alert (minCourseDay): the day's ranking opens it.
      f.advanceTo(day(7.1));
      assertThat(lifecycle(f, student(0))).containsExactly("OPENED@" + day(7));
    }
  }
}
