package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

  private static Instant day(int d) {
    return T0.plusSeconds(86_400L * d);
  }

  private static Alert opened(Rule rule, String student, String course, Instant at) {
    return new Alert(Alert.Type.OPENED, Alert.idOf(rule, student, course, at.toEpochMilli()), rule,
        Severity.LOW, student, course, at, null, Map.of(), "v");
  }

  private static final String CSV = String.join("\n",
      "studentId,courseId,persona,disengagedAt",
      "s1,c1,ghost,2026-01-05T00:00:00Z",
      "s1,c2,ghost,2026-01-05T00:00:00Z",
      "s2,c1,fading,2026-01-15T00:00:00Z",
      "s3,c1,engaged,",
      "s4,c1,engaged,",
      "s5,c1,dropout,2026-01-10T00:00:00Z",
      "");

  @Test
  void shouldScorePairsWithStudentLevelAlertsCountingForEveryCourse() throws Exception {
    List<GroundTruth> truth = GroundTruth.read(new StringReader(CSV));
    List<Alert> alerts = List.of(
        // s1: one student-level alert on day 7 catches both courses, lead 7 days
        opened(Rule.LOGIN_INACTIVE, "s1", null, day(7)),
        // s2: an alert before onset does not catch; the one on day 12 (lead 2) does
        opened(Rule.ACTIVITY_DROP, "s2", "c1", day(3)),
        opened(Rule.MISSED_DEADLINES, "s2", "c1", day(12)),
        // s3 engaged but alerted: a false alarm
        opened(Rule.NO_SUBMISSIONS, "s3", "c1", day(20)),
        // s5 never alerted; unknown student is unmatched
        opened(Rule.LOGIN_INACTIVE, "nobody", null, day(9)));

    Evaluation.Report r = Evaluation.evaluate(alerts, truth);

    Evaluation.RuleScore all = r.overall();
    assertThat(all.disengagedPairs()).isEqualTo(4);
    assertThat(all.caughtPairs()).isEqualTo(3);
    assertThat(all.alertedPairs()).isEqualTo(4);
    assertThat(all.recall()).isEqualTo(0.75);
    assertThat(all.precision()).isEqualTo(0.75);
    // leads 7, 7, 2 days: nearest-rank median is 7, p90 is 7
    assertThat(all.medianLeadDays()).isCloseTo(7.0, within(1e-9));
    assertThat(all.p90LeadDays()).isCloseTo(7.0, within(1e-9));
    assertThat(all.engagedPairs()).isEqualTo(2);
    assertThat(all.falseAlarmRate()).isEqualTo(0.5);
    assertThat(r.engagedStudentsAlerted()).isEqualTo(1);
    assertThat(r.engagedStudents()).isEqualTo(2);
    assertThat(r.alertsOpened()).isEqualTo(5);
    assertThat(r.unmatchedAlerts()).isEqualTo(1);

    Evaluation.RuleScore drop = r.perRule().get(Rule.ACTIVITY_DROP.ordinal());
    assertThat(drop.rule()).isEqualTo("ACTIVITY_DROP");
    assertThat(drop.caughtPairs()).isZero();
    assertThat(drop.alertedPairs()).isEqualTo(1);
    assertThat(drop.precision()).isZero();
    assertThat(drop.medianLeadDays()).isNaN();

    Evaluation.RuleScore missed = r.perRule().get(Rule.MISSED_DEADLINES.ordinal());
    assertThat(missed.recall()).isEqualTo(0.25);
    assertThat(missed.medianLeadDays()).isCloseTo(2.0, within(1e-9));

    assertThat(r.perPersona()).extracting(Evaluation.PersonaScore::persona)
        .containsExactly("dropout", "engaged", "fading", "ghost");
    assertThat(r.format()).contains("LOGIN_INACTIVE", "ALL", "ghost", "0.75", "50.0%");
  }

  /**
   * The demo's report says which rules its configuration turns off: before, LOGIN_INACTIVE and
   * the other rules off by default printed "n/a 0.00 0 320 0", as if they had caught nobody.
   * {@code evaluate} does not know the configuration of the alerts it reads: it scores every rule.
   */
  @Test
  void shouldPrintTheRulesTheConfigurationTurnsOffAsOff() throws Exception {
    Evaluation.Report r =
        Evaluation.evaluate(
            List.of(opened(Rule.MISSED_DEADLINES, "s2", "c1", day(12))),
            GroundTruth.read(new StringReader(CSV)));

    String demo = r.format(RulesConfig.DEFAULTS);
    for (Rule rule : Rule.values()) {
      String line = demo.lines().filter(l -> l.startsWith(rule.name() + " ")).findFirst().orElseThrow();
      if (RulesConfig.DEFAULTS.enabled(rule)) {
        assertThat(line).as("%s, on by default", rule).doesNotContain("off");
      } else {
        assertThat(line).as("%s, off by default", rule)
            .matches(rule.name() + " +off   \\(turned off in the rules\\)");
      }
    }
    assertThat(demo).containsPattern("(?m)^LOGIN_INACTIVE +off ").containsPattern("(?m)^ALL +");
    assertThat(r.format()).containsPattern("(?m)^LOGIN_INACTIVE +n/a +0.00").doesNotContain("off");
  }

  @Test
  void shouldUseNearestRankPercentiles() {
    List<Long> ms = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L).stream()
        .map(d -> d * 86_400_000L).toList();
    assertThat(Evaluation.percentileDays(ms, 50)).isEqualTo(5.0);
    assertThat(Evaluation.percentileDays(ms, 90)).isEqualTo(9.0);
    assertThat(Evaluation.percentileDays(List.of(), 50)).isNaN();
  }

  @Test
  void shouldRejectGroundTruthWithoutTheHeader() {
    assertThatThrownBy(() -> GroundTruth.read(new StringReader("a,b,c,d\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header");
  }

  @Test
  void shouldNameTheLineOfAMalformedGroundTruthRow() {
    assertThatThrownBy(() -> GroundTruth.read(new StringReader(
        GroundTruth.HEADER + "\ns1,c1,ghost,yesterday\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
  }

  @Test
  void shouldRefuseAStudentAndCourseGivenTwiceInTheGroundTruth() {
    // Counted twice before: a caught pair made two hits.
    assertThatThrownBy(() -> GroundTruth.read(new StringReader(GroundTruth.HEADER
        + "\ns1,c1,engaged,\ns2,c1,engaged,\ns1,c1,engaged,\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("line 4: s1 in c1 is on line 2 already: keep one line per student and course");
  }

  @Test
  void shouldSayAnEmptyGroundTruthFileIsEmptyAndReadOneWithAByteOrderMark() throws Exception {
    assertThatThrownBy(() -> GroundTruth.read(new StringReader("")))
        .hasMessageStartingWith("ground truth is empty")
        .hasMessageNotContaining("null");
    assertThat(GroundTruth.read(new StringReader("\uFEFF" + GroundTruth.HEADER + "\ns1,c1,engaged,\n")))
        .hasSize(1);
  }
}
