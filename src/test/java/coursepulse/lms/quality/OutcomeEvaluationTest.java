package coursepulse.lms.quality;

import static coursepulse.lms.outcome.FinalResult.DISTINCTION;
import static coursepulse.lms.outcome.FinalResult.FAIL;
import static coursepulse.lms.outcome.FinalResult.PASS;
import static coursepulse.lms.outcome.FinalResult.WITHDRAWN;
import static coursepulse.lms.quality.QualityFixture.alert;
import static coursepulse.lms.quality.QualityFixture.risk;
import static coursepulse.lms.quality.QualityFixture.scored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every figure on small cohorts counted by hand. Course days are days after the start (day 0);
 * the course ends at day 100, so "before the last 14 days" means before day 86; the week cut-offs
 * are days 14, 28, 56 and 84.
 */
class OutcomeEvaluationTest {

  /**
   * Twelve evaluated pairs in one course, one pair that left before the start, and alerts before,
   * inside and after the terms:
   *
   * <pre>
   * p1 Pass         INACTIVE day 10                          -> alerted
   * p2 Pass, p4 Pass  none
   * p3 Distinction  LOGIN_INACTIVE day -2 and day 101        -> outside the term: not alerted
   * w1 left day 50  LOGIN_INACTIVE day 20                    -> lead 30: caught
   * w2 left day 40  LOGIN_INACTIVE day 36                    -> lead 4: alerted, not caught
   * w3 left day 60  RISK_SCORE day 50                        -> lead 10: caught
   * w4 left day 30  LOGIN_INACTIVE day 31                    -> after leaving: not alerted
   * w5 left day 80  RISK_SCORE day 5, LOGIN_INACTIVE day 70  -> lead 75 (first alert): caught
   * w0 left day -3  LOGIN_INACTIVE day 1                     -> left before the start: apart
   * f1 Fail         MISSED_DEADLINES day 80                  -> before day 86: caught
   * f2 Fail         MISSED_DEADLINES day 90                  -> alerted, not caught
   * f3 Fail         none
   * </pre>
   */
  private static OutcomeEvaluation headline() {
    QualityFixture f = new QualityFixture()
        .pair("p1", "C", PASS, null)
        .pair("p2", "C", PASS, null)
        .pair("p3", "C", DISTINCTION, null)
        .pair("p4", "C", PASS, null)
        .pair("w1", "C", WITHDRAWN, 50.0)
        .pair("w2", "C", WITHDRAWN, 40.0)
        .pair("w3", "C", WITHDRAWN, 60.0)
        .pair("w4", "C", WITHDRAWN, 30.0)
        .pair("w5", "C", WITHDRAWN, 80.0)
        .pair("w0", "C", WITHDRAWN, -3.0)
        .pair("f1", "C", FAIL, null)
        .pair("f2", "C", FAIL, null)
        .pair("f3", "C", FAIL, null);
    OutcomeEvaluation e = new OutcomeEvaluation(f.cohort(), false);
    e.alert(alert("INACTIVE", "p1", "C", 10));
    e.alert(alert("LOGIN_INACTIVE", "p3", "C", -2));
    e.alert(alert("LOGIN_INACTIVE", "p3", "C", 101));
    e.alert(alert("LOGIN_INACTIVE", "w1", "C", 20));
    e.alert(alert("LOGIN_INACTIVE", "w2", "C", 36));
    e.alert(alert("RISK_SCORE", "w3", "C", 50));
    e.alert(alert("LOGIN_INACTIVE", "w4", "C", 31));
    e.alert(alert("RISK_SCORE", "w5", "C", 5));
    e.alert(alert("LOGIN_INACTIVE", "w5", "C", 70));
    e.alert(alert("LOGIN_INACTIVE", "w0", "C", 1));
    e.alert(alert("MISSED_DEADLINES", "f1", "C", 80));
    e.alert(alert("MISSED_DEADLINES", "f2", "C", 90));
    e.alert(alert("LOGIN_INACTIVE", "stranger", "C", 10));
    return e;
  }

  /** Two passed pairs, one withdrawn on day 50, one failed. */
  private static QualityFixture fourPairs() {
    return new QualityFixture()
        .pair("p1", "C", PASS, null)
        .pair("p2", "C", PASS, null)
        .pair("w1", "C", WITHDRAWN, 50.0)
        .pair("f1", "C", FAIL, null);
  }

  @Test
  void shouldCountPairsAndReportThoseThatLeftBeforeTheStartApart() {
    QualityReport r = headline().report();
    assertThat(r.pairs().pairs()).isEqualTo(12);
    assertThat(r.pairs().fine()).isEqualTo(4);
    assertThat(r.pairs().withdrawn()).isEqualTo(5);
    assertThat(r.pairs().failed()).isEqualTo(3);
    assertThat(r.pairs().leftBeforeStart()).isEqualTo(1);
    assertThat(r.inputs().alertOpenings()).isEqualTo(13);
    // p1, w1, w2, w3, w5 twice, f1, f2: the rest are outside a term, of w0 or of nobody
    assertThat(r.inputs().alertOpeningsCounted()).isEqualTo(8);
  }

  @Test
  void shouldComputeTheWholeTermFiguresByHand() {
    Figures x = headline().report().overall();
    assertThat(x.pairs()).isEqualTo(12);
    assertThat(x.fineAlerted()).isEqualTo(1);
    assertThat(x.fineAlertedShare()).isEqualTo(0.25);
    assertThat(x.withdrawnCaught()).isEqualTo(3);
    assertThat(x.withdrawnCaughtShare()).isEqualTo(0.6);
    // caught leads sorted: 10, 30, 75; p25 = rank ceil(0.75) = 1, median = rank ceil(1.5) = 2
    assertThat(x.withdrawnLeadP25Days()).isEqualTo(10.0);
    assertThat(x.withdrawnLeadMedianDays()).isEqualTo(30.0);
    assertThat(x.failedCaught()).isEqualTo(1);
    assertThat(x.failedCaughtShare()).isEqualTo(1 / 3.0);
    assertThat(x.atRisk()).isEqualTo(8);
    assertThat(x.atRiskAlerted()).isEqualTo(6); // w1 w2 w3 w5 f1 f2
    assertThat(x.alerted()).isEqualTo(7);
    assertThat(x.precision()).isEqualTo(6 / 7.0);
    assertThat(x.recall()).isEqualTo(4 / 8.0);
    // TP 6, FP 1, FN 2, TN 3: (6*3 - 1*2) / sqrt(7 * 8 * 4 * 5)
    assertThat(x.mcc()).isCloseTo(16 / Math.sqrt(1120), within(1e-12));
  }

  @Test
  void shouldComputeTheFiguresCumulativelyAtWeeks2To12() {
    List<Figures> weeks = headline().report().weeks();
    assertThat(weeks).extracting(Figures::week).containsExactly(2, 4, 8, 12);

    Figures w2 = weeks.get(0); // cut day 14: alerts of p1 (day 10) and w5 (day 5)
    assertThat(w2.pairs()).isEqualTo(12);
    assertThat(w2.fineAlerted()).isEqualTo(1);
    assertThat(w2.withdrawnCaught()).isEqualTo(1);
    assertThat(w2.withdrawnLeadMedianDays()).isEqualTo(75.0);
    assertThat(w2.failedCaught()).isZero();
    assertThat(w2.precision()).isEqualTo(0.5);
    assertThat(w2.recall()).isEqualTo(1 / 8.0);
    // TP 1, FP 1, FN 7, TN 3
    assertThat(w2.mcc()).isCloseTo((1 * 3 - 1 * 7) / Math.sqrt(2 * 8 * 4 * 10), within(1e-12));

    Figures w4 = weeks.get(1); // cut day 28: w1 (day 20) joins; w4 leaves at 30, still counted
    assertThat(w4.pairs()).isEqualTo(12);
    assertThat(w4.withdrawnCaught()).isEqualTo(2);
    assertThat(w4.withdrawnLeadP25Days()).isEqualTo(30.0);
    assertThat(w4.withdrawnLeadMedianDays()).isEqualTo(30.0);
    assertThat(w4.alerted()).isEqualTo(3);
    assertThat(w4.precision()).isEqualTo(2 / 3.0);
    assertThat(w4.recall()).isEqualTo(2 / 8.0);

    Figures w8 = weeks.get(2); // cut day 56: w4, w2, w1 have left and are out
    assertThat(w8.pairs()).isEqualTo(9);
    assertThat(w8.withdrawn()).isEqualTo(2);
    assertThat(w8.withdrawnCaught()).isEqualTo(2); // w3 (day 50, lead 10) and w5
    assertThat(w8.withdrawnLeadP25Days()).isEqualTo(10.0);
    assertThat(w8.failedCaught()).isZero();
    assertThat(w8.recall()).isEqualTo(2 / 5.0);

    Figures w12 = weeks.get(3); // cut day 84: w3 and w5 out too; f1 (day 80) caught
    assertThat(w12.pairs()).isEqualTo(7);
    assertThat(w12.withdrawn()).isZero();
    assertThat(w12.withdrawnCaughtShare()).isNaN();
    assertThat(w12.withdrawnLeadMedianDays()).isNaN();
    assertThat(w12.failedCaught()).isEqualTo(1);
    assertThat(w12.alerted()).isEqualTo(2);
    assertThat(w12.precision()).isEqualTo(0.5);
    assertThat(w12.recall()).isEqualTo(1 / 3.0);
  }

  @Test
  void shouldScoreEachRuleOnItsOwnAlertsIncludingUnknownRuleNames() {
    List<QualityReport.RuleFigures> rules = headline().report().rules();
    assertThat(rules).extracting(r -> r.figures().label())
        .containsExactly("INACTIVE", "LOGIN_INACTIVE", "MISSED_DEADLINES", "RISK_SCORE");
    assertThat(rules).extracting(QualityReport.RuleFigures::openings).containsExactly(1L, 3L, 2L, 2L);

    Figures login = rules.get(1).figures(); // w1 lead 30, w2 lead 4, w5 lead 10 (day 70)
    assertThat(login.withdrawnCaught()).isEqualTo(2);
    assertThat(login.withdrawnLeadMedianDays()).isEqualTo(10.0);
    assertThat(login.alerted()).isEqualTo(3);
    assertThat(login.precision()).isEqualTo(1.0);
    assertThat(login.fineAlerted()).isZero();

    Figures inactive = rules.get(0).figures();
    assertThat(inactive.fineAlerted()).isEqualTo(1);
    assertThat(inactive.precision()).isEqualTo(0.0);
    assertThat(inactive.recall()).isEqualTo(0.0);

    Figures risk = rules.get(3).figures(); // w3 lead 10, w5 lead 75
    assertThat(risk.withdrawnLeadP25Days()).isEqualTo(10.0);
    assertThat(risk.withdrawnLeadMedianDays()).isEqualTo(10.0);
    assertThat(risk.recall()).isEqualTo(2 / 8.0);
  }

  @Test
  void shouldScoreEachSeverityOnTheAlertsOpenedWithItMostUrgentFirst() {
    OutcomeEvaluation e = new OutcomeEvaluation(fourPairs().cohort(), false);
    Instant day10 = QualityFixture.day(10);
    e.alert(new AlertOpening("RISK_SCORE", "p1", "C", day10, 0.9, "low"));
    e.alert(new AlertOpening("RISK_SCORE", "w1", "C", day10, 0.9, "low"));
    e.alert(new AlertOpening("MISSED_DEADLINES", "w1", "C", QualityFixture.day(20), Double.NaN, "high"));
    e.alert(new AlertOpening("MISSED_DEADLINES", "f1", "C", day10, Double.NaN, "high"));
    e.alert(new AlertOpening("X", "p2", "C", day10, Double.NaN, "urgent")); // a newer name
    e.alert(new AlertOpening("Y", "p2", "C", day10, Double.NaN, null)); // none: in no row
    QualityReport r = e.report();
    assertThat(r.severities()).extracting(x -> x.figures().label())
        .containsExactly("high", "low", "urgent");
    assertThat(r.severities()).extracting(QualityReport.RuleFigures::openings)
        .containsExactly(2L, 2L, 1L);
    Figures high = r.severities().get(0).figures();
    assertThat(high.alerted()).isEqualTo(2);
    assertThat(high.precision()).isEqualTo(1.0);
    assertThat(high.fineAlerted()).isZero();
    assertThat(high.withdrawnLeadMedianDays()).isEqualTo(30.0); // w1 left on day 50
    Figures low = r.severities().get(1).figures();
    assertThat(low.fineAlerted()).isEqualTo(1);
    assertThat(low.precision()).isEqualTo(0.5);
    assertThat(new String(r.toJson(), StandardCharsets.UTF_8))
        .contains("\"severities\" : [")
        .contains("\"severity\" : \"high\",\n      \"openings\" : 2,");
    assertThat(r.format()).contains("Per severity at opening");
  }

  @Test
  void shouldReadTheSeverityOfAnOpeningWhenItHasOne() {
    String record = "{\"type\":\"alert_opened\",\"rule\":\"RISK_SCORE\",\"severity\":\"high\","
        + "\"studentId\":\"s\",\"courseId\":\"C\",\"openedAt\":\"2013-10-08T00:00:00Z\"}";
    assertThat(AlertOpening.decode(record.getBytes(StandardCharsets.UTF_8)).severity()).isEqualTo("high");
    String none = record.replace("\"severity\":\"high\",", "");
    assertThat(AlertOpening.decode(none.getBytes(StandardCharsets.UTF_8)).severity()).isNull();
  }

  @Test
  void shouldCountAStudentLevelAlertForEachCourseTheStudentIsEnrolledInAtTheTime() {
    QualityFixture f = new QualityFixture()
        .pair("s", "A", PASS, null)
        .pair("s", "B", WITHDRAWN, 10.0)
        .pair("late", "A", FAIL, 30, null);
    OutcomeEvaluation e = new OutcomeEvaluation(f.cohort(), false);
    e.alert(alert("X", "s", null, 2)); // both courses: B is left 8 days later -> caught
    e.alert(alert("Y", "s", null, 20)); // only A: B was left at day 10
    e.alert(alert("Y", "late", null, 20)); // not yet enrolled in A
    QualityReport r = e.report();

    assertThat(r.inputs().alertOpeningsCounted()).isEqualTo(2);
    Figures x = r.overall();
    assertThat(x.fineAlerted()).isEqualTo(1);
    assertThat(x.withdrawnCaught()).isEqualTo(1);
    assertThat(x.withdrawnLeadMedianDays()).isEqualTo(8.0);
    assertThat(x.failed()).isEqualTo(1);
    assertThat(x.atRiskAlerted()).isEqualTo(1);

    Figures y = r.rules().get(1).figures();
    assertThat(y.label()).isEqualTo("Y");
    assertThat(y.fineAlerted()).isEqualTo(1);
    assertThat(y.atRiskAlerted()).isZero();
    assertThat(y.withdrawnCaught()).isZero();
  }

  @Test
  void shouldMeasureTheRiskStreamsAucAmongPairsStillEnrolledWithTiesCountedHalf() {
    QualityFixture f = fourPairs();
    OutcomeEvaluation e = new OutcomeEvaluation(f.cohort(), false);
    e.risk(risk("p1", "C", 1, 0.2));
    e.risk(risk("p1", "C", 20, 0.9));
    e.risk(risk("p2", "C", 13, 0.5));
    e.risk(risk("w1", "C", 14, 0.5)); // at the week-2 cut-off itself: counts
    e.risk(risk("f1", "C", 3, 0.8));
    e.risk(risk("f1", "C", 3, 0.1)); // same time, later in the stream: replaces 0.8
    e.risk(risk("x", "C", 3, 0.1)); // not evaluated
    e.alert(scored("p2", "C", 5, 1.0)); // alert scores are ignored when 05-Risk has records
    QualityReport r = e.report();

    assertThat(r.scoreSource()).isEqualTo(QualityReport.ScoreSource.RISK_STREAM);
    assertThat(r.inputs().riskRecords()).isEqualTo(7);
    assertThat(r.inputs().riskRecordsMatched()).isEqualTo(6);
    // week 2: positives w1 .5, f1 .1; negatives p1 .2, p2 .5 -> (1 + .5 + 0 + 0) / 4
    // week 4: p1 is .9 now -> (0 + .5 + 0 + 0) / 4; weeks 8 and 12: w1 has left, f1 is lowest
    assertThat(r.riskAuc()).extracting(WeekAuc::auc).containsExactly(0.375, 0.125, 0.0, 0.0);
    assertThat(r.riskAuc()).extracting(WeekAuc::pairs).containsExactly(4, 4, 3, 3);
    assertThat(r.riskAuc()).extracting(WeekAuc::atRisk).containsExactly(2, 2, 1, 1);
    assertThat(r.targets().get(0).value()).isEqualTo(0.125);
    assertThat(r.targets().get(0).met()).isFalse();
  }

  @Test
  void shouldFallBackToTheHighestAlertScoreOpenedSoFarWithoutRiskRecords() {
    QualityFixture f = fourPairs();
    OutcomeEvaluation e = new OutcomeEvaluation(f.cohort(), false);
    e.alert(scored("p1", "C", 10, 0.3));
    e.alert(scored("w1", null, 5, 0.4));
    e.alert(scored("w1", null, 20, 0.6));
    e.alert(alert("MISSED_DEADLINES", "f1", "C", 3)); // no score: f1 scores 0, like p2
    QualityReport r = e.report();

    assertThat(r.scoreSource()).isEqualTo(QualityReport.ScoreSource.ALERT_SCORE);
    // week 2: w1 .4, f1 0 vs p1 .3, p2 0 -> (1 + 1 + 0 + .5) / 4; week 4: w1 .6, same order
    assertThat(r.riskAuc()).extracting(WeekAuc::auc).containsExactly(0.625, 0.625, 0.25, 0.25);
  }

  @Test
  void shouldReportNoScoreAndUnmeasuredTargetsWhenNothingCarriesOne() {
    QualityFixture f = new QualityFixture().pair("p1", "C", PASS, null).pair("f1", "C", FAIL, null);
    OutcomeEvaluation e = new OutcomeEvaluation(f.cohort(), false);
    e.alert(alert("LOGIN_INACTIVE", "p1", "C", 3));
    QualityReport r = e.report();
    assertThat(r.scoreSource()).isEqualTo(QualityReport.ScoreSource.NONE);
    assertThat(r.riskAuc()).isEmpty();
    assertThat(r.targets()).extracting(Target::name).containsExactly(
        "risk-score AUC at week 4", "risk-score AUC at week 12",
        "passing pairs alerted during the term", "at-risk pairs caught (recall)",
        "withdrawn pairs' median lead", "precision");
    assertThat(r.targets()).extracting(Target::met)
        .containsExactly(null, null, false, false, null, false);
    assertThat(r.format()).contains("risk-score AUC at week 4").contains("n/a");
  }

  @Test
  void shouldComputeTheReferenceScoreFromActiveDaysInTheLast28() {
    QualityFixture f = fourPairs();
    OutcomeEvaluation e = new OutcomeEvaluation(f.cohort(), true);
    for (double d : new double[] {-10, 0, 5, 5.5, 13.9, 14, 27}) {
      e.activity(f.access("p1", "C", d));
    }
    e.activity(f.access("p2", "C", 1));
    e.activity(f.access("w1", "C", 2));
    e.activity(f.access("w1", "C", 3));
    e.activity(f.login("w1", 4.2)); // a login counts for every course the student is in
    e.activity(f.access("w1", "OTHER", 6)); // not an evaluated pair
    e.activity("not json".getBytes(StandardCharsets.UTF_8));
    QualityReport r = e.report();

    // week 2, days -14..13: p1 -10,0,5,13 -> 24 inactive; p2 27; w1 2,3,4 -> 25; f1 28
    //   positives 25, 28 vs negatives 24, 27 -> (1 + 0 + 1 + 1) / 4
    // week 4, days 0..27: p1 0,5,13,14,27 -> 23; p2 27; w1 25; f1 28 -> the same order
    // weeks 8 and 12: w1 left at day 50 is out; p1, p2 and f1 are all inactive: ties, 0.5
    assertThat(r.referenceAuc()).extracting(WeekAuc::auc).containsExactly(0.75, 0.75, 0.5, 0.5);
    assertThat(r.inputs().activityRecords()).isEqualTo(13);
    assertThat(r.inputs().unreadableActivity()).isEqualTo(1);
  }

  @Test
  void shouldSkipUnreadableRecordsAndIgnoreResolutions() {
    QualityFixture f = new QualityFixture().pair("p1", "C", PASS, null);
    OutcomeEvaluation e = new OutcomeEvaluation(f.cohort(), false);
    e.alert("{\"type\":\"alert_resolved\",\"alertId\":\"a\",\"rule\":\"X\",\"studentId\":\"p1\","
        .concat("\"courseId\":\"C\",\"openedAt\":\"2013-10-08T00:00:00Z\"}")
        .getBytes(StandardCharsets.UTF_8));
    e.alert("[1,2]".getBytes(StandardCharsets.UTF_8));
    e.risk("{\"type\":\"other\"}".getBytes(StandardCharsets.UTF_8));
    QualityReport r = e.report();
    assertThat(r.inputs().alertResolutions()).isEqualTo(1);
    assertThat(r.inputs().unreadableAlerts()).isEqualTo(1);
    assertThat(r.inputs().unreadableRisk()).isEqualTo(1);
    assertThat(r.overall().alerted()).isZero();
    assertThat(r.overall().mcc()).isZero();
    assertThat(r.overall().precision()).isNaN();
  }

  @Test
  void shouldWriteTheSameJsonForTheSameReportWithNullsForMissingValues() {
    byte[] first = headline().report().toJson();
    byte[] second = headline().report().toJson();
    assertThat(first).isEqualTo(second);
    String json = new String(first, StandardCharsets.UTF_8);
    assertThat(json).contains("\"withdrawnLeadMedianDays\" : 30,")
        .contains("\"precision\" : 0.8571,")
        .contains("\"source\" : \"none\"")
        .contains("\"reference\" : null");
  }
}
