package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.day;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cohort-aware signals and rules on the test driver, one behaviour each. */
class CohortRulesTest {
  private static final String A = "c-A";
  private static final String B = "c-B";

  private static String student(int i) {
    return "s" + (i < 10 ? "0" : "") + i;
  }

  /** {@code n} students enrolled in {@code course} before the term. */
  private static void enrollClass(RiskFixture f, String course, int n) {
    for (int i = 0; i < n; i++) {
      f.enroll(student(i), course, day(-3));
    }
  }

  /** Every student but those in {@code silent} works in {@code course} on days [from, to). */
  private static void workDaily(RiskFixture f, String course, int n, int from, int to, Set<String> silent) {
    workDaily(f, List.of(course), n, from, to, silent);
  }

  /** Every student but those in {@code silent} works in each of {@code courses}, days [from, to). */
  private static void workDaily(
      RiskFixture f, List<String> courses, int n, int from, int to, Set<String> silent) {
    for (int d = from; d < to; d++) {
      for (int c = 0; c < courses.size(); c++) {
        for (int i = 0; i < n; i++) {
          if (!silent.contains(student(i))) {
            f.access(student(i), courses.get(c), day(d + 0.4 + c * 0.1 + i * 0.001));
          }
        }
      }
      f.advanceTo(day(d + 0.9));
    }
  }

  private static List<Alert> opened(RiskFixture f, Rule rule) {
    return f.alerts().stream()
        .filter(a -> a.rule() == rule && a.type() == Alert.Type.OPENED)
        .toList();
  }

  @Test
  void shouldRaiseNothingWhenTheWholeClassIsQuietForAWeek() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.INACTIVE))) {
      enrollClass(f, A, 10);
      workDaily(f, A, 10, 0, 14, Set.of());
      workDaily(f, A, 10, 14, 26, Set.of(student(0), student(1), student(2), student(3),
          student(4), student(5), student(6), student(7), student(8), student(9)));
      workDaily(f, A, 10, 26, 35, Set.of());

      assertThat(opened(f, Rule.INACTIVE)).isEmpty();
    }
  }

  /**
   * The product's default rules (the risk score with the built-in model, missed deadlines) judge
   * students against their class, so a week in which nobody works raises nothing: every alert of
   * the term with the quiet week is one the same term without it opens too, and none opens in the
   * quiet week or the week after.
   */
  @Test
  void shouldRaiseNothingUnderTheDefaultRulesWhenTheWholeClassIsQuietForAWeek() {
    List<Alert> withQuietWeek = openedThenClose(engagedTerm(true));
    List<Alert> withoutQuietWeek = openedThenClose(engagedTerm(false));

    // Not vacuous: the defaults do flag some of this class, in both terms alike, before the week.
    assertThat(withQuietWeek)
        .extracting(CohortRulesTest::opening)
        .isNotEmpty()
        .isSubsetOf(withoutQuietWeek.stream().map(CohortRulesTest::opening).toList());
    assertThat(withQuietWeek)
        .filteredOn(a -> !a.openedAt().isBefore(day(QUIET_FROM)))
        .filteredOn(a -> a.openedAt().isBefore(day(QUIET_TO + 7)))
        .isEmpty();
  }

  /** The alerts {@code term} opened, of every rule; closes it. */
  private static List<Alert> openedThenClose(RiskFixture term) {
    try (term) {
      return term.alerts().stream().filter(a -> a.type() == Alert.Type.OPENED).toList();
    }
  }

  private static String opening(Alert a) {
    return a.rule() + " " + a.studentId() + "@" + a.courseId() + " at " + a.openedAt();
  }

  private static final int CLASS_SIZE = 40;
  /** Course weeks whose last day has an assignment due: none in or right after the quiet week. */
  private static final List<Integer> DUE_WEEKS = List.of(1, 2, 3, 4, 6, 7);
  private static final int QUIET_FROM = 28;
  private static final int QUIET_TO = 35; // exclusive
  private static final int TERM_DAYS = 49;

  /**
   * Seven weeks of a class of {@value #CLASS_SIZE} engaged students under the product's default
   * rules: each student works on three days in four, and each assignment is handed in the day
   * before it is due by nine students in ten (a different tenth each week). With {@code
   * quietWeek}, nobody does anything in week 5 (days {@value #QUIET_FROM} to 34).
   */
  private static RiskFixture engagedTerm(boolean quietWeek) {
    RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS);
    enrollClass(f, A, CLASS_SIZE);
    for (int week : DUE_WEEKS) {
      f.assignment(A, "w" + week, day(0), day(7 * week - 0.5));
    }
    for (int d = 0; d < TERM_DAYS; d++) {
      boolean quiet = quietWeek && d >= QUIET_FROM && d < QUIET_TO;
      for (int i = 0; !quiet && i < CLASS_SIZE; i++) {
        if ((d * 7 + i) % 4 != 0) {
          f.access(student(i), A, day(d + 0.4 + i * 0.001));
        }
        int week = d / 7 + 1;
        if (d % 7 == 5 && DUE_WEEKS.contains(week) && (i + week) % 10 != 0) {
          f.submit(student(i), A, "w" + week, day(d + 0.5 + i * 0.001), 6.0 + i % 4);
        }
      }
      f.advanceTo(day(d + 0.9));
    }
    return f;
  }

  @Test
  void shouldFlagAStudentSilentWhileClassmatesWorkAndNameTheFactors() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.INACTIVE))) {
      enrollClass(f, A, 10);
      workDaily(f, A, 10, 0, 7, Set.of());
      workDaily(f, A, 10, 7, 20, Set.of(student(0)));

      List<Alert> alerts = opened(f, Rule.INACTIVE);
      assertThat(alerts).singleElement().satisfies(a -> {
        assertThat(a.studentId()).isEqualTo(student(0));
        assertThat(a.courseId()).isEqualTo(A);
        // Last work on day 6; day 13 ends with 7 silent days.
        assertThat(a.openedAt()).isEqualTo(day(14));
        assertThat(a.evidence()).containsEntry("classActiveShare", Alert.ratio(1.0));
        assertThat(a.score()).isNotNull().isBetween(0.0, 1.0);
        assertThat(a.factors()).contains("no activity for 7 days while 100 % of the class was active");
      });
    }
  }

  @Test
  void shouldNotResolveInactiveWithWorkDatedBeforeTheSilence() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.INACTIVE))) {
      enrollClass(f, A, 10);
      workDaily(f, A, 10, 0, 7, Set.of());
      workDaily(f, A, 10, 7, 16, Set.of(student(0)));
      // Delivered late: a page view from day 6.1, the student's last active day, and one from
      // day 2, tell nothing new; one from day 16 (today) ends the silence.
      f.access(student(0), A, day(6.1));
      f.access(student(0), A, day(2));
      assertThat(f.alerts(student(0))).extracting(a -> a.type().toString())
          .containsExactly("OPENED");
      f.access(student(0), A, day(16.2));
      assertThat(f.alerts(student(0))).extracting(a -> a.type() + ":" + a.evidence().get("reason"))
          .containsExactly("OPENED:null", "RESOLVED:activity");
    }
  }

  /** A student who never worked: the silence starts with the enrolment, so 1970 ends nothing. */
  @Test
  void shouldNotResolveInactiveOfAStudentWhoNeverWorkedWithWorkDatedBeforeTheEnrolment() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.INACTIVE))) {
      enrollClass(f, A, 10);
      workDaily(f, A, 10, 0, 16, Set.of(student(0)));
      f.access(student(0), A, java.time.Instant.parse("1970-01-01T00:00:01Z"));
      assertThat(f.alerts(student(0))).extracting(a -> a.type().toString())
          .containsExactly("OPENED");
      f.access(student(0), A, day(16.2));
      assertThat(f.alerts(student(0))).extracting(a -> a.type() + ":" + a.evidence().get("reason"))
          .containsExactly("OPENED:null", "RESOLVED:activity");
    }
  }

  @Test
  void shouldResolveInactiveOnTheNextWorkInTheCourse() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.INACTIVE))) {
      enrollClass(f, A, 10);
      workDaily(f, A, 10, 0, 7, Set.of());
      workDaily(f, A, 10, 7, 16, Set.of(student(0)));
      f.submit(student(0), A, "a1", day(16.5));
      f.advanceTo(day(17));

      assertThat(f.alerts(student(0))).extracting(a -> a.type() + ":" + a.evidence().get("reason"))
          .containsExactly("OPENED:null", "RESOLVED:activity");
    }
  }

  @Test
  void shouldFlagOnlyTheCourseAStudentStoppedWorkingIn() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.INACTIVE))) {
      enrollClass(f, A, 10);
      enrollClass(f, B, 10);
      for (int d = 0; d < 20; d++) {
        for (int i = 0; i < 10; i++) {
          if (i != 0 || d < 5) {
            f.access(student(i), A, day(d + 0.3 + i * 0.001));
          }
          f.access(student(i), B, day(d + 0.5 + i * 0.001));
        }
        f.advanceTo(day(d + 0.9));
      }

      assertThat(opened(f, Rule.INACTIVE)).extracting(a -> a.studentId() + "@" + a.courseId())
          .containsExactly(student(0) + "@" + A);
    }
  }

  /**
   * INACTIVE only, and a break declared for course A on term days 7 to 11, as a rules file
   * declares it; B, where the same class works, has none.
   */
  private static RulesConfig inactiveWithABreakInA() {
    String yaml = """
        courseCalendar:
          c-A:
            - { from: 2026-01-12, to: 2026-01-16 }
        """;
    return RulesConfig.fromYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .withOnly(Rule.INACTIVE);
  }

  /** The same ten students in A and B. */
  private static RiskFixture classInAAndB() {
    RiskFixture f = new RiskFixture(inactiveWithABreakInA());
    enrollClass(f, A, 10);
    enrollClass(f, B, 10);
    return f;
  }

  @Test
  void shouldNotCountTheDaysOfADeclaredBreakTowardsInactive() {
    try (RiskFixture f = classInAAndB()) {
      // s00 is silent in both courses on days 5 to 12 (eight days, days 7 to 11 are A's break)
      // while the classmates keep working in both.
      workDaily(f, List.of(A, B), 10, 0, 5, Set.of());
      workDaily(f, List.of(A, B), 10, 5, 13, Set.of(student(0)));
      workDaily(f, List.of(A, B), 10, 13, 25, Set.of());

      // B counts days 5 to 11 on day 12; A has counted three days (5, 6, 12) when s00 returns.
      assertThat(opened(f, Rule.INACTIVE))
          .extracting(a -> a.studentId() + "@" + a.courseId() + "@" + a.openedAt())
          .containsExactly(student(0) + "@" + B + "@" + day(12));
    }
  }

  @Test
  void shouldFlagSilenceOutlastingABreakOnceItsDaysOutsideTheBreakReachTheThreshold() {
    try (RiskFixture f = classInAAndB()) {
      workDaily(f, List.of(A, B), 10, 0, 5, Set.of());
      workDaily(f, List.of(A, B), 10, 5, 25, Set.of(student(0)));

      // Last work on day 4. B: days 5 to 11 make seven on day 12. A: days 5 and 6, then
      // 12 to 16 after the break make seven on day 17, after twelve silent days.
      List<Alert> alerts = opened(f, Rule.INACTIVE);
      assertThat(alerts).extracting(a -> a.studentId() + "@" + a.courseId() + "@" + a.openedAt())
          .containsExactly(
              student(0) + "@" + B + "@" + day(12), student(0) + "@" + A + "@" + day(17));
      assertThat(alerts.get(0).evidence())
          .containsEntry("inactiveDays", Alert.ratio(7)).containsEntry("breakDays", 0L);
      assertThat(alerts.get(1).evidence())
          .containsEntry("inactiveDays", Alert.ratio(12)).containsEntry("breakDays", 5L);
    }
  }

  @Test
  void shouldJudgeMissedWorkAsAShareOfTheCoursesSchedule() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.MISSED_WORK))) {
      // The same last assessment missed: the 3rd of 3 in A, the 15th of 15 in B.
      enrollClass(f, A, 5);
      enrollClass(f, B, 5);
      for (int k = 0; k < 3; k++) {
        f.assignment(A, "a" + k, day(0), day(5 + 30 * k));
      }
      for (int k = 0; k < 15; k++) {
        f.assignment(B, "b" + k, day(0), day(5 + 6 * k));
      }
      for (int d = 0; d < 100; d++) {
        for (int k = 0; k < 15; k++) {
          if (5 + 6 * k == d + 1) {
            for (int i = 0; i < 5; i++) {
              if (!(i == 0 && k == 14)) {
                f.submit(student(i), B, "b" + k, day(d + 0.5));
              }
            }
          }
        }
        for (int k = 0; k < 3; k++) {
          if (5 + 30 * k == d + 1) {
            for (int i = 0; i < 5; i++) {
              if (!(i == 0 && k == 2)) {
                f.submit(student(i), A, "a" + k, day(d + 0.5));
              }
            }
          }
        }
        f.advanceTo(day(d + 0.9));
      }

      List<Alert> a = opened(f, Rule.MISSED_WORK);
      assertThat(a).extracting(x -> x.studentId() + "@" + x.courseId())
          .containsExactly(student(0) + "@" + A);
      // In A the deadlines of a1 (day 35) and a2 (day 65) fall in the 35-day window: 1 of 2.
      assertThat(a.get(0).evidence()).containsEntry("missed", 1L).containsEntry("due", 2L);
      assertThat(a.get(0).factors()).contains("missed 1 of 3 assessments so far");
    }
  }

  @Test
  void shouldFlagAFailedAssessmentAgainstTheClassMedian() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.LOW_GRADES))) {
      enrollClass(f, A, 5);
      f.assignment(A, "tma1", day(0), day(10));
      for (int i = 1; i < 5; i++) {
        f.submit(student(i), A, "tma1", day(9), 7.0); // of 10 points
      }
      f.submit(student(0), A, "tma1", day(9.5), 3.5);
      f.advanceTo(day(11));

      assertThat(opened(f, Rule.LOW_GRADES)).singleElement().satisfies(a -> {
        assertThat(a.studentId()).isEqualTo(student(0));
        assertThat(a.openedAt()).isEqualTo(day(9.5));
        assertThat(a.factors()).containsExactly("score 35 vs class median 70");
      });
    }
  }

  @Test
  void shouldScoreWorkNeverHandedInAndTheAssessmentWeightEarned() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS.withOnly(Rule.RISK_SCORE))) {
      enrollClass(f, A, 4);
      enrollClass(f, B, 4);
      // A declares weights 10 / 30 / 60; B declares none, so its assessments count the same.
      f.assignment(A, "a0", day(0), day(3), 10);
      f.assignment(A, "a1", day(0), day(6), 30);
      f.assignment(A, "a2", day(0), day(20), 60);
      f.assignment(B, "b0", day(0), day(3));
      f.assignment(B, "b1", day(0), day(6));
      for (int d = 0; d < 15; d++) {
        for (String c : List.of(A, B)) {
          String first = c.equals(A) ? "a0" : "b0";
          String second = c.equals(A) ? "a1" : "b1";
          if (d == 2) {
            f.submit(student(0), c, first, day(2.5), 8.0); // of 10: passed
            f.submit(student(2), c, first, day(2.5), 9.0);
            f.submit(student(3), c, first, day(2.5), 9.0);
          } else if (d == 5) {
            f.submit(student(2), c, second, day(5.5), 9.0);
            f.submit(student(3), c, second, day(5.5), 9.0);
          } else if (d == 9) {
            // after the deadline (day 6) and its grace: missed, made good, but failed
            f.submit(student(0), c, second, day(9.5), 2.0);
          }
          // student 1 hands in nothing
        }
        workDaily(f, A, 4, d, d + 1, Set.of());
        workDaily(f, B, 4, d, d + 1, Set.of());
      }

      RiskScore s0 = weekTwo(f, student(0), A);
      assertThat(s0.features())
          .containsEntry("due", 2.0)
          .containsEntry("missedShare", 0.5)
          .containsEntry("unsubmittedShare", 0.0)
          .containsEntry("earnedShare", 0.25); // 10 of the 40 weight points due
      assertThat(weekTwo(f, student(0), B).features()).containsEntry("earnedShare", 0.5);
      RiskScore s1 = weekTwo(f, student(1), A);
      assertThat(s1.features())
          .containsEntry("unsubmitted", 2.0)
          .containsEntry("unsubmittedShare", 1.0)
          .containsEntry("earnedShare", 0.0);
      assertThat(s1.factors()).contains("never handed in 2 of 2 assessments due so far");
      assertThat(s1.score()).isGreaterThan(s0.score());
    }
  }

  private static RiskScore weekTwo(RiskFixture f, String student, String course) {
    return f.risk().stream()
        .filter(r -> r.studentId().equals(student) && r.courseId().equals(course))
        .filter(r -> r.at().equals(day(14)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shouldNeverFlagMoreThanTheBudgetOfACourseAtOnce() {
    RulesConfig rules =
        RulesConfig.of(null, null, null, null, null, null, null, null, null,
                RulesConfig.RiskScoreRule.of(true, 0.05, 0.04, 10.0, 0, null), null)
            .withOnly(Rule.RISK_SCORE);
    try (RiskFixture f = new RiskFixture(rules)) {
      enrollClass(f, A, 20);
      Set<String> silent = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        silent.add(student(i));
      }
      workDaily(f, A, 20, 0, 30, silent);

      Set<String> open = new HashSet<>();
      int max = 0;
      for (Alert a : f.alerts()) {
        if (a.type() == Alert.Type.OPENED) {
          open.add(a.alertId());
        } else {
          open.remove(a.alertId());
        }
        max = Math.max(max, open.size());
      }
      assertThat(max).isEqualTo(2); // 10 % of 20
      assertThat(opened(f, Rule.RISK_SCORE)).allSatisfy(a -> {
        assertThat(silent).contains(a.studentId());
        assertThat(a.score()).isNotNull();
        assertThat(a.factors()).isNotEmpty();
      });
    }
  }

  @Test
  void shouldSendEveryActiveStudentCourseTo05RiskAtEachCourseWeek() {
    try (RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS)) {
      enrollClass(f, A, 4);
      workDaily(f, A, 4, 0, 15, Set.of(student(3)));

      List<RiskScore> weekly =
          f.risk().stream().filter(r -> r.courseId().equals(A) && r.at().equals(day(7))).toList();
      assertThat(weekly).extracting(RiskScore::studentId)
          .containsExactly(student(0), student(1), student(2), student(3));
      assertThat(weekly.get(3).features()).containsEntry("courseDay", 7.0);
      assertThat(weekly.get(3).score()).isGreaterThan(weekly.get(0).score());
      assertThat(f.risk().stream().filter(r -> r.courseId().equals(A) && r.at().equals(day(14))))
          .hasSize(4);
      // Between week boundaries at most one record per student-course and day.
      assertThat(f.risk().stream().map(r -> r.studentId() + r.courseId() + r.at()).distinct().count())
          .isEqualTo(f.risk().size());
    }
  }

  @Test
  void shouldWriteIdenticalBytesForTheSameInput() {
    List<byte[]> alerts1;
    List<byte[]> risk1;
    try (RiskFixture f = semester()) {
      alerts1 = f.alertBytes();
      risk1 = f.riskBytes();
    }
    try (RiskFixture f = semester()) {
      assertThat(f.alertBytes()).containsExactlyElementsOf(alerts1);
      assertThat(f.riskBytes()).containsExactlyElementsOf(risk1);
      assertThat(risk1).isNotEmpty();
      assertThat(alerts1).isNotEmpty();
    }
  }

  private static RiskFixture semester() {
    RiskFixture f = new RiskFixture(RulesConfig.DEFAULTS);
    enrollClass(f, A, 6);
    f.assignment(A, "a1", day(0), day(8)).assignment(A, "a2", day(0), day(16));
    for (int i = 1; i < 6; i++) {
      f.submit(student(i), A, "a1", day(7), 6.0 + i % 3);
    }
    f.submit(student(0), A, "a1", day(7.5), 2.0);
    workDaily(f, A, 6, 0, 25, Set.of(student(0), student(5)));
    return f;
  }
}
