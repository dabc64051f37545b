package coursepulse.lms.risk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.lms.outcome.FinalResult;
import coursepulse.lms.outcome.Outcome;
import coursepulse.lms.risk.RiskScore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingSetTest {
  private static final Instant START = Instant.parse("2013-02-04T00:00:00Z");

  static RiskScore score(String student, String course, int day, double active) {
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("active", active);
    f.put(TrainingSet.COURSE_DAY, (double) day);
    return new RiskScore(
        student, course, START.plus(Duration.ofDays(day)), 0.5, List.of(), f, "rules");
  }

  private static final List<Outcome> OUTCOMES =
      List.of(
          new Outcome("s1", "AAA-2013B", FinalResult.PASS, null),
          new Outcome("s2", "AAA-2013B", FinalResult.WITHDRAWN, START.plus(Duration.ofDays(20))),
          new Outcome("s2", "BBB-2013B", FinalResult.FAIL, null),
          new Outcome("s3", "AAA-2013J", FinalResult.DISTINCTION, null));

  @Test
  void shouldKeepWeeklyCutOffsWhileEnrolledLabelledByOutcome() {
    List<RiskScore> scores =
        List.of(
            score("s1", "AAA-2013B", 0, 1), // course day 0: no week yet
            score("s1", "AAA-2013B", 3, 1), // not a cut-off
            score("s1", "AAA-2013B", 7, 1),
            score("s1", "AAA-2013B", 14, 2),
            score("s2", "AAA-2013B", 14, 0.5),
            score("s2", "AAA-2013B", 21, 0.0), // after the withdrawal on day 20
            score("s2", "BBB-2013B", 7, 0.2),
            score("s9", "AAA-2013B", 7, 1)); // no outcome
    TrainingSet set = TrainingSet.fromScores(scores, OUTCOMES, TrainingSet.Window.ALL);
    assertThat(set.featureNames()).containsExactly("active", "courseDay");
    assertThat(set.rows())
        .extracting(
            r -> r.studentId() + "/" + r.courseId() + "/" + r.courseDay() + "/" + r.atRisk())
        .containsExactly(
            "s1/AAA-2013B/7/false",
            "s1/AAA-2013B/14/false",
            "s2/AAA-2013B/14/true",
            "s2/BBB-2013B/7/true");
    assertThat(set.rows().get(1).values()).containsExactly(2.0, 14.0);
    assertThat(set.skipped()).isEqualTo(new TrainingSet.Skipped(2, 0, 0, 1, 1, 0));
  }

  @Test
  void shouldApplyTheTimeWindowAndCourseGlobs() {
    List<RiskScore> scores =
        List.of(
            score("s1", "AAA-2013B", 7, 1),
            score("s1", "AAA-2013B", 14, 1),
            score("s2", "BBB-2013B", 7, 1),
            score("s3", "AAA-2013J", 7, 1));
    TrainingSet.Window window =
        new TrainingSet.Window(null, START.plus(Duration.ofDays(10)), "AAA-*B, BBB-2013?");
    TrainingSet set = TrainingSet.fromScores(scores, OUTCOMES, window);
    assertThat(set.rows())
        .extracting(TrainingSet.Row::courseId)
        .containsExactly("AAA-2013B", "BBB-2013B");
    assertThat(set.skipped().outsideWindow()).isEqualTo(1);
    assertThat(set.skipped().otherCourse()).isEqualTo(1);
    TrainingSet dotIsLiteral =
        TrainingSet.fromScores(scores, OUTCOMES, new TrainingSet.Window(null, null, "AAA.2013B"));
    assertThat(dotIsLiteral.rows()).isEmpty();
  }

  @Test
  void shouldKeepTheCutOffRatherThanLaterUpdatesOfTheSameDay() {
    RiskScore cutOff = score("s1", "AAA-2013B", 14, 1);
    RiskScore laterThatDay =
        new RiskScore(
            "s1",
            "AAA-2013B",
            cutOff.at().plusSeconds(3600),
            0.9,
            List.of(),
            Map.of("active", 0.0, "courseDay", 14.0),
            "rules");
    for (List<RiskScore> order :
        List.of(List.of(cutOff, laterThatDay), List.of(laterThatDay, cutOff))) {
      TrainingSet set = TrainingSet.fromScores(order, OUTCOMES, TrainingSet.Window.ALL);
      assertThat(set.rows()).hasSize(1);
      assertThat(set.rows().get(0).at()).isEqualTo(cutOff.at());
      assertThat(set.rows().get(0).values()[0]).isEqualTo(1.0);
      assertThat(set.skipped().duplicates()).isEqualTo(1);
    }
  }

  @Test
  void shouldKeepTheLastOfRepeatedRecordsAndIgnoreArrivalOrder() {
    List<RiskScore> scores = new ArrayList<>();
    for (String s : List.of("s1", "s2")) {
      for (int day = 7; day <= 70; day += 7) {
        scores.add(score(s, "AAA-2013B", day, day / 7.0));
      }
    }
    scores.add(score("s1", "AAA-2013B", 7, 42));
    TrainingSet set = TrainingSet.fromScores(scores, OUTCOMES, TrainingSet.Window.ALL);
    assertThat(set.skipped().duplicates()).isEqualTo(1);
    assertThat(set.rows().get(0).values()[0]).isEqualTo(42.0);
    List<RiskScore> shuffled = new ArrayList<>(scores.subList(0, scores.size() - 1));
    Collections.reverse(shuffled);
    TrainingSet reversed = TrainingSet.fromScores(shuffled, OUTCOMES, TrainingSet.Window.ALL);
    assertThat(reversed.rows())
        .extracting(r -> r.studentId() + r.courseDay())
        .isEqualTo(set.rows().stream().map(r -> r.studentId() + r.courseDay()).toList());
  }

  @Test
  void shouldMarkAFeatureMissingFromSomeRecordsAsNaN() {
    RiskScore graded =
        new RiskScore(
            "s1",
            "AAA-2013B",
            START.plus(Duration.ofDays(14)),
            0.5,
            List.of(),
            Map.of("courseDay", 14.0, "scoreRel", 0.9),
            "rules");
    TrainingSet set =
        TrainingSet.fromScores(
            List.of(score("s1", "AAA-2013B", 7, 1), graded), OUTCOMES, TrainingSet.Window.ALL);
    assertThat(set.featureNames()).containsExactly("active", "courseDay", "scoreRel");
    assertThat(set.rows().get(0).values()[2]).isNaN();
    assertThat(set.rows().get(1).values()[0]).isNaN();
    assertThat(set.select(List.of("scoreRel")).rows().get(1).values()).containsExactly(0.9);
  }

  @Test
  void shouldRefuseAnEmptyWindowAndAnUnknownSelectedFeature() {
    assertThatThrownBy(() -> new TrainingSet.Window(START, START, null))
        .hasMessageContaining("must be before");
    TrainingSet set =
        TrainingSet.fromScores(
            List.of(score("s1", "AAA-2013B", 7, 1)), OUTCOMES, TrainingSet.Window.ALL);
    assertThatThrownBy(() -> set.select(List.of("nope")))
        .hasMessageContaining("'nope' is not in the data");
  }

  @Test
  void shouldRefuseSelectingAFeatureTwiceOrABlankName() {
    // 'train --features activeDays7Pct,activeDays7Pct' wrote a model 'process --model' refuses.
    TrainingSet set =
        TrainingSet.fromScores(
            List.of(score("s1", "AAA-2013B", 7, 1)), OUTCOMES, TrainingSet.Window.ALL);
    String name = set.featureNames().get(0);
    assertThatThrownBy(() -> set.select(List.of(name, name)))
        .hasMessage("feature '" + name + "' is named twice: name each feature once");
    assertThatThrownBy(() -> set.select(List.of(name, " ")))
        .hasMessageContaining("feature 2 has no name");
  }
}
