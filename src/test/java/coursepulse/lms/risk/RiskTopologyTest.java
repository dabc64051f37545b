package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.COURSE;
import static coursepulse.lms.risk.RiskFixture.day;
import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.KeyValueStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskTopologyTest {

  private static RulesConfig only(Rule rule) {
    return only(rule, "logins");
  }

  /**
   * One rule on, at fixed thresholds (7 days, 14 days, 2 in a row with 24 h grace, 0.4 of a
   * 3-week baseline of at least 2): the tests pin the behaviour, not the calibrated defaults.
   */
  private static RulesConfig only(Rule rule, String dropBasis) {
    return RulesConfig.of(
        "test-1",
        null,
        RulesConfig.LoginInactive.of(rule == null || rule == Rule.LOGIN_INACTIVE, 7.0),
        RulesConfig.NoSubmissions.of(rule == null || rule == Rule.NO_SUBMISSIONS, 14.0),
        RulesConfig.MissedDeadlines.of(rule == null || rule == Rule.MISSED_DEADLINES, 2, 24.0),
        RulesConfig.ActivityDrop.of(rule == null || rule == Rule.ACTIVITY_DROP, 0.4, 3, 2.0, dropBasis))
        .withEnabled(Rule.INACTIVE, false)
        .withEnabled(Rule.MISSED_WORK, false)
        .withEnabled(Rule.LOW_GRADES, false)
        .withEnabled(Rule.RISK_SCORE, false);
  }

  /** Every rule on, at the thresholds of {@link #only(Rule, String)}. */
  private static RulesConfig pinned() {
    return only(null, "logins");
  }

  @Test
  void shouldRaiseLoginInactiveForAStudentWhoNeverSendsAnotherEvent() {
    try (RiskFixture f = new RiskFixture(only(Rule.LOGIN_INACTIVE))) {
      f.enroll("s1", day(-2)).login("s1", day(0.5));
      for (int d = 1; d <= 10; d++) {
        f.advanceTo(day(d));
      }

      List<Alert> alerts = f.alerts("s1");
      assertThat(alerts).hasSize(1);
      Alert a = alerts.get(0);
      assertThat(a.type()).isEqualTo(Alert.Type.OPENED);
      assertThat(a.rule()).isEqualTo(Rule.LOGIN_INACTIVE);
      assertThat(a.courseId()).isNull();
      assertThat(a.openedAt()).isEqualTo(day(7.5));
      assertThat(a.severity()).isEqualTo(Severity.LOW);
      assertThat(a.rulesVersion()).isEqualTo("test-1");
      assertThat(a.evidence()).containsEntry("inactiveDays", Alert.ratio(7));
      assertThat(a.factors()).containsExactly("no login for 7 days");
      assertThat(a.alertId()).isEqualTo(Alert.idOf(Rule.LOGIN_INACTIVE, "s1", null, day(7.5).toEpochMilli()));
    }
  }

  @Test
  void shouldRaiseLoginInactiveForAStudentWhoNeverLoggedInCountingFromCourseStart() {
    try (RiskFixture f = new RiskFixture(only(Rule.LOGIN_INACTIVE))) {
      f.enroll("ghost", day(-10));
      f.advanceTo(day(6.9));
      assertThat(f.alerts("ghost")).isEmpty();
      f.advanceTo(day(7.1));
      assertThat(f.alerts("ghost")).singleElement()
          .satisfies(a -> assertThat(a.openedAt()).isEqualTo(day(7)));
    }
  }

  /**
   * Logins leave the pending check where it is (it can only be early); each time it fires too
   * early it is set again for the silence's new end, so the alert still opens exactly then.
   */
  @Test
  void shouldRaiseLoginInactiveSevenDaysAfterTheLastOfManyLoginsWithOnePendingCheck() {
    try (RiskFixture f = new RiskFixture(only(Rule.LOGIN_INACTIVE))) {
      f.enroll("s1", day(-2));
      for (double d = 0.25; d < 12; d += 1.5) {
        f.login("s1", day(d)); // the last at day 10.75
        // not moved by each login: set at the enrolment (course start + 7), and again only when
        // it fires then (stream time 7.75, after that login), for the silence since that login
        long due = (d < 7 ? day(7) : day(7.75 + 7)).toEpochMilli();
        assertThat(loginChecks(f, "s1")).singleElement()
            .satisfies(t -> assertThat(t.due()).isEqualTo(due));
      }
      f.advanceTo(day(17.7));
      assertThat(f.alerts("s1")).isEmpty();
      f.advanceTo(day(17.8));
      assertThat(f.alerts("s1")).singleElement()
          .satisfies(a -> assertThat(a.openedAt()).isEqualTo(day(17.75)));
    }
  }

  /** Every timer set, earliest first. */
  private static List<TimerKeys.Timer> timers(RiskFixture f) {
    return f.driver().<TimerKeys.Timer>getTimerQueue(RiskProcessor.TIMERS).dueBy(Long.MAX_VALUE);
  }

  private static List<TimerKeys.Timer> loginChecks(RiskFixture f, String student) {
    List<TimerKeys.Timer> checks = new java.util.ArrayList<>();
    for (TimerKeys.Timer t : timers(f)) {
      if (t.kind() == TimerKeys.LOGIN && t.a().equals(student)) {
        checks.add(t);
      }
    }
    return checks;
  }

  @Test
  void shouldResolveLoginInactiveWhenTheStudentLogsInAgain() {
    try (RiskFixture f = new RiskFixture(only(Rule.LOGIN_INACTIVE))) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      f.advanceTo(day(8)).login("s1", day(9));

      List<Alert> alerts = f.alerts("s1");
      assertThat(alerts).extracting(Alert::type)
          .containsExactly(Alert.Type.OPENED, Alert.Type.RESOLVED);
      Alert opened = alerts.get(0);
      Alert resolved = alerts.get(1);
      assertThat(resolved.alertId()).isEqualTo(opened.alertId());
      assertThat(resolved.openedAt()).isEqualTo(opened.openedAt());
      assertThat(resolved.resolvedAt()).isEqualTo(day(9));
      assertThat(resolved.evidence()).containsEntry("reason", "login");
      assertThat(f.metrics.open(Rule.LOGIN_INACTIVE)).isZero();
      assertThat(f.registry.get("coursepulse.alerts.resolved").tag("rule", "LOGIN_INACTIVE")
          .counter().count()).isEqualTo(1.0);
    }
  }

  @Test
  void shouldNotResolveLoginInactiveWithALoginDatedBeforeTheSilence() {
    try (RiskFixture f = new RiskFixture(only(Rule.LOGIN_INACTIVE))) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      f.advanceTo(day(8));
      // Delivered late: logins from before the last one and from 1970 do not end the silence.
      f.login("s1", day(-1)).login("s1", java.time.Instant.EPOCH);
      assertThat(f.alerts("s1")).extracting(Alert::type).containsExactly(Alert.Type.OPENED);
      assertThat(f.metrics.open(Rule.LOGIN_INACTIVE)).isEqualTo(1);
      // One inside the silence does: the student was there after all.
      f.login("s1", day(3));
      List<Alert> alerts = f.alerts("s1");
      assertThat(alerts).extracting(Alert::type)
          .containsExactly(Alert.Type.OPENED, Alert.Type.RESOLVED);
      assertThat(alerts.get(1).evidence()).containsEntry("inactiveDays", Alert.ratio(3));
    }
  }

  @Test
  void shouldKeepOneOpenAlertPerStudentCourseAndRule() {
    try (RiskFixture f = new RiskFixture()) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      for (int d = 1; d <= 40; d++) {
        f.advanceTo(day(d));
      }
      assertThat(f.alerts("s1")).filteredOn(a -> a.rule() == Rule.LOGIN_INACTIVE).hasSize(1);
      assertThat(f.metrics.open(Rule.LOGIN_INACTIVE)).isEqualTo(1);
      assertThat(f.registry.get("coursepulse.alerts.open").tag("rule", "LOGIN_INACTIVE")
          .gauge().value()).isEqualTo(1.0);
      assertThat(f.registry.get("coursepulse.alerts").tag("rule", "LOGIN_INACTIVE")
          .tag("severity", "low").counter().count()).isEqualTo(1.0);
      assertThat(f.registry.get("coursepulse.students.tracked").gauge().value()).isEqualTo(2.0);
    }
  }

  @Test
  void shouldNotReAlertWithinTheCooldown() {
    RulesConfig rules =
        RulesConfig.of("cool", 3.0, RulesConfig.LoginInactive.of(true, 1.0),
            RulesConfig.NoSubmissions.of(false, null), RulesConfig.MissedDeadlines.of(false, null, null),
            RulesConfig.ActivityDrop.of(false, null, null, null, null))
            .withOnly(Rule.LOGIN_INACTIVE);
    try (RiskFixture f = new RiskFixture(rules)) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      f.advanceTo(day(1.2)).login("s1", day(1.5));
      for (int h = 40; h <= 24 * 6; h += 2) {
        f.advanceTo(day(h / 24.0));
      }
      List<Alert> alerts = f.alerts("s1");
      assertThat(alerts).extracting(Alert::type)
          .containsExactly(Alert.Type.OPENED, Alert.Type.RESOLVED, Alert.Type.OPENED);
      // Silent from day 1.5: due at day 2.5, but the cooldown holds it until 3 days after day 1.5.
      assertThat(alerts.get(2).openedAt()).isEqualTo(day(4.5));
      assertThat(alerts.get(2).alertId()).isNotEqualTo(alerts.get(0).alertId());
    }
  }

  @Test
  void shouldRaiseMissedDeadlinesAfterConsecutiveMissesAndResolveOnSubmission() {
    try (RiskFixture f = new RiskFixture(only(Rule.MISSED_DEADLINES))) {
      f.enroll("s1", day(-2)).enroll("s2", day(-2)).enroll("s3", day(-2));
      f.assignment(COURSE, "a1", day(0), day(7)).assignment(COURSE, "a2", day(0), day(14))
          .assignment(COURSE, "a3", day(0), day(21));
      f.submit("s2", COURSE, "a1", day(6)).submit("s2", COURSE, "a2", day(13));
      // s3 misses a1 only: one miss is no streak.
      f.submit("s3", COURSE, "a2", day(13.5));
      f.advanceTo(day(15.5));
      f.submit("s1", COURSE, "a3", day(16));
      f.advanceTo(day(23));

      assertThat(f.alerts("s2")).isEmpty();
      assertThat(f.alerts("s3")).isEmpty();
      List<Alert> s1 = f.alerts("s1");
      assertThat(s1).extracting(Alert::type).containsExactly(Alert.Type.OPENED, Alert.Type.RESOLVED);
      Alert opened = s1.get(0);
      assertThat(opened.rule()).isEqualTo(Rule.MISSED_DEADLINES);
      assertThat(opened.courseId()).isEqualTo(COURSE);
      assertThat(opened.openedAt()).isEqualTo(day(15)); // a2 due day 14 + 24 h grace
      assertThat(opened.evidence()).containsEntry("consecutiveMissed", 2L)
          .containsEntry("assignmentId", "a2");
      assertThat(opened.factors()).containsExactly("missed the last 2 deadlines in a row");
      assertThat(s1.get(1).resolvedAt()).isEqualTo(day(16));
    }
  }

  @Test
  void shouldCountALateSubmissionWithinGraceAsNotMissed() {
    try (RiskFixture f = new RiskFixture(only(Rule.MISSED_DEADLINES))) {
      f.enroll("s1", day(-2));
      f.assignment(COURSE, "a1", day(0), day(7)).assignment(COURSE, "a2", day(0), day(14));
      f.submit("s1", COURSE, "a1", day(7.5)).submit("s1", COURSE, "a2", day(14.9));
      f.advanceTo(day(20));
      assertThat(f.alerts("s1")).isEmpty();
    }
  }

  @Test
  void shouldRaiseNoSubmissionsAfterTheThresholdWhileAssignmentsWereDue() {
    try (RiskFixture f = new RiskFixture(only(Rule.NO_SUBMISSIONS))) {
      f.enroll("s1", day(-2)).enroll("s2", day(-2));
      f.assignment(COURSE, "a1", day(0), day(2)).assignment(COURSE, "a2", day(0), day(14))
          .assignment(COURSE, "a3", day(0), day(21));
      f.submit("s1", COURSE, "a1", day(1)).submit("s2", COURSE, "a1", day(1));
      f.submit("s2", COURSE, "a2", day(13));
      for (int d = 2; d <= 20; d++) {
        f.advanceTo(day(d));
      }
      assertThat(f.alerts("s2")).isEmpty();
      assertThat(f.alerts("s1")).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo(Rule.NO_SUBMISSIONS);
        assertThat(a.openedAt()).isEqualTo(day(15)); // last submission day 1 + 14 days
        assertThat(a.evidence()).containsEntry("assignmentsDue", 1L);
        assertThat(a.factors()).containsExactly("no submission for 14 days while 1 assignment was due");
      });
    }
  }

  @Test
  void shouldNotResolveNoSubmissionsWithASubmissionDatedBeforeTheSilence() {
    try (RiskFixture f = new RiskFixture(only(Rule.NO_SUBMISSIONS))) {
      f.enroll("s1", day(-2));
      f.assignment(COURSE, "a1", day(0), day(2)).assignment(COURSE, "a2", day(0), day(14));
      f.submit("s1", COURSE, "a1", day(1));
      f.advanceTo(day(16));
      assertThat(f.alerts("s1")).extracting(Alert::type).containsExactly(Alert.Type.OPENED);
      // Delivered late, dated at the last submission and before it: the silence goes on.
      f.submit("s1", COURSE, "a1", day(1)).submit("s1", COURSE, "a0", day(0.5));
      assertThat(f.alerts("s1")).extracting(Alert::type).containsExactly(Alert.Type.OPENED);
      f.submit("s1", COURSE, "a2", day(16.5));
      assertThat(f.alerts("s1")).extracting(Alert::type)
          .containsExactly(Alert.Type.OPENED, Alert.Type.RESOLVED);
    }
  }

  @Test
  void shouldNotRaiseNoSubmissionsWhenNothingWasDue() {
    try (RiskFixture f = new RiskFixture(only(Rule.NO_SUBMISSIONS))) {
      f.enroll("s1", day(-2));
      f.assignment(COURSE, "a1", day(0), day(40));
      for (int d = 1; d <= 30; d++) {
        f.advanceTo(day(d));
      }
      assertThat(f.alerts("s1")).isEmpty();
      f.advanceTo(day(42));
      assertThat(f.alerts("s1")).singleElement() // a1 due day 40 + 24 h grace
          .satisfies(a -> assertThat(a.openedAt()).isEqualTo(day(41)));
    }
  }

  @Test
  void shouldNotCountAnAssignmentAsOwedForNoSubmissionsWhileItsGraceRuns() {
    try (RiskFixture f = new RiskFixture(only(Rule.NO_SUBMISSIONS))) {
      f.enroll("late", day(-2)).enroll("gone", day(-2));
      f.assignment(COURSE, "a1", day(0), day(2)).assignment(COURSE, "a2", day(0), day(14.5));
      f.submit("late", COURSE, "a1", day(1)).submit("gone", COURSE, "a1", day(1));
      // both silent for 14 days at day 15, when a2 is past due but inside its 24 h grace
      for (int h = 0; h <= 10; h++) {
        f.advanceTo(day(14.8 + h / 20.0));
      }
      f.submit("late", COURSE, "a2", day(15.4));
      for (int d = 16; d <= 20; d++) {
        f.advanceTo(day(d));
      }
      assertThat(f.alerts("late")).isEmpty();
      assertThat(f.alerts("gone")).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo(Rule.NO_SUBMISSIONS);
        assertThat(a.openedAt()).isEqualTo(day(15.5)); // a2 due day 14.5 + 24 h grace
        assertThat(a.evidence()).containsEntry("assignmentsDue", 1L);
      });
    }
  }

  @Test
  void shouldRaiseActivityDropOnLoginDaysAgainstTheStudentsOwnBaseline() {
    try (RiskFixture f = new RiskFixture(only(Rule.ACTIVITY_DROP))) {
      f.enroll("s1", day(-2)).enroll("quiet", day(-2));
      for (int week = 0; week < 3; week++) {
        for (int d = 0; d < 5; d++) {
          f.login("s1", day(week * 7 + d + 0.3)).login("s1", day(week * 7 + d + 0.6));
        }
        f.login("quiet", day(week * 7 + 1)); // one day a week: below the minimum baseline
      }
      f.login("s1", day(22)); // week 3: 1 day of 5
      f.advanceTo(day(28.1));

      assertThat(f.alerts("quiet")).isEmpty();
      assertThat(f.alerts("s1")).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo(Rule.ACTIVITY_DROP);
        assertThat(a.courseId()).isNull();
        assertThat(a.openedAt()).isEqualTo(day(28));
        assertThat(a.evidence()).containsEntry("basis", "logins").containsEntry("weekCount", 1L)
            .containsEntry("baselineMean", Alert.ratio(5)).containsEntry("ratio", Alert.ratio(0.2));
        assertThat(a.factors()).containsExactly("1 login this week against 5.0 a week before");
      });

      // Delivered late, from a baseline week: no recovery.
      f.login("s1", day(8.2));
      assertThat(f.alerts("s1")).extracting(Alert::type).containsExactly(Alert.Type.OPENED);
      f.login("s1", day(29)).login("s1", day(29.5)).login("s1", day(30));
      List<Alert> s1 = f.alerts("s1");
      assertThat(s1).extracting(Alert::type).containsExactly(Alert.Type.OPENED, Alert.Type.RESOLVED);
      assertThat(s1.get(1).resolvedAt()).isEqualTo(day(30)); // 2nd login day reaches 0.4 x 5
    }
  }

  @Test
  void shouldRaiseActivityDropPerCourseOnTheActivityBasis() {
    try (RiskFixture f = new RiskFixture(only(Rule.ACTIVITY_DROP, "activity"))) {
      f.enroll("s1", day(-2)).enroll("quiet", day(-2));
      for (int week = 0; week < 3; week++) {
        for (int d = 0; d < 4; d++) {
          f.access("s1", COURSE, day(week * 7 + d + 0.2)).access("s1", COURSE, day(week * 7 + d + 0.4));
        }
        f.access("quiet", COURSE, day(week * 7 + 1)).access("quiet", COURSE, day(week * 7 + 1.1));
      }
      f.advanceTo(day(28.1)); // week 3: no activity at all
      assertThat(f.alerts("quiet")).isEmpty();
      assertThat(f.alerts("s1")).singleElement().satisfies(a -> {
        assertThat(a.courseId()).isEqualTo(COURSE);
        assertThat(a.evidence()).containsEntry("basis", "activity").containsEntry("weekCount", 0L)
            .containsEntry("baselineMean", Alert.ratio(4));
      });
    }
  }

  @Test
  void shouldNotCompareANewStudentWithWeeksBeforeTheyEnrolled() {
    try (RiskFixture f = new RiskFixture(only(Rule.ACTIVITY_DROP, "activity"))) {
      f.enroll("late", day(15));
      for (int i = 0; i < 10; i++) {
        f.access("late", COURSE, day(16 + i * 0.1));
      }
      f.advanceTo(day(36));
      assertThat(f.alerts("late")).isEmpty();
    }
  }

  @Test
  void shouldDeadLetterEventsOfStudentsNotEnrolled() {
    try (RiskFixture f = new RiskFixture()) {
      f.enroll("s1", day(-2));
      f.login("stranger", day(1));
      f.access("s1", "c-other", day(1.5));
      f.drop("s1", COURSE, day(2));
      f.submit("s1", COURSE, "a1", day(3));

      assertThat(f.refused())
          .extracting(n -> n.get("reason").asText() + " " + n.get("type").asText() + " "
              + n.get("studentId").asText() + " " + n.get("stream").asText())
          .containsExactly(
              "not_enrolled logged_in stranger 02-Login",
              "not_enrolled asset_accessed s1 03-Activity",
              "enrollment_dropped submission_created s1 03-Activity");
      assertThat(f.registry.get("coursepulse.dead.letters")
          .tag("reason", "not_enrolled").counters())
          .filteredOn(c -> c.count() > 0).hasSize(2);
      assertThat(f.registry.get("coursepulse.events.processed").tag("stream", "02-Login")
          .counter().count()).isEqualTo(1.0);
      assertThat(f.registry.getMeters())
          .flatExtracting(m -> m.getId().getTags())
          .extracting(io.micrometer.core.instrument.Tag::getValue)
          .doesNotContain("s1", "stranger", RiskFixture.BYSTANDER, COURSE);
    }
  }

  @Test
  void shouldRaiseSeverityWhenSeveralRulesAreOpenForAStudent() {
    try (RiskFixture f = new RiskFixture(pinned())) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      f.assignment(COURSE, "a1", day(0), day(7)).assignment(COURSE, "a2", day(0), day(14));
      for (int d = 1; d <= 16; d++) {
        f.advanceTo(day(d));
      }
      List<Alert> s1 = f.alerts("s1");
      assertThat(s1).extracting(a -> a.rule() + ":" + a.severity())
          .containsExactly("LOGIN_INACTIVE:LOW", "NO_SUBMISSIONS:MEDIUM", "MISSED_DEADLINES:HIGH");
    }
  }

  /**
   * A rule that is off keeps no timer per student or student-course (with the defaults, none at
   * all: about 170 bytes of heap per student-course before); on, each keeps its own.
   */
  @Test
  void shouldKeepTimersPerStudentOnlyForTheRulesThatAreOn() {
    for (RulesConfig rules : List.of(RulesConfig.DEFAULTS, pinned())) {
      try (RiskFixture f = new RiskFixture(rules)) {
        f.enroll("s1", day(-2)).enroll("s2", day(-2)).enroll("s2", "other-course", day(-1));
        f.assignment(COURSE, "a1", day(-3), day(9));
        f.login("s1", day(0)).submit("s1", COURSE, "a1", day(2));
        f.advanceTo(day(10));
        java.util.Map<Character, Long> kinds = new java.util.TreeMap<>();
        timers(f).forEach(t -> kinds.merge(t.kind(), 1L, Long::sum));
        if (rules == RulesConfig.DEFAULTS) {
          assertThat(kinds).doesNotContainKeys(
              TimerKeys.LOGIN, TimerKeys.NO_SUBMISSIONS, TimerKeys.WEEK_LOGINS);
          assertThat(kinds).containsKeys(TimerKeys.COURSE_DAY, TimerKeys.COURSE_END);
        } else {
          // A week chain for each of s1, s2 and the fixture's bystander, a no-submission check
          // per enrolment (four), and a login check for the bystander only: s1's and s2's
          // LOGIN_INACTIVE alerts are open by day 10, and an open alert needs no check.
          assertThat(kinds).containsEntry(TimerKeys.LOGIN, 1L)
              .containsEntry(TimerKeys.WEEK_LOGINS, 3L)
              .containsEntry(TimerKeys.NO_SUBMISSIONS, 4L);
        }
      }
    }
  }

  @Test
  void shouldResolveOpenAlertsWhenTheStudentDrops() {
    try (RiskFixture f = new RiskFixture(only(Rule.LOGIN_INACTIVE))) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      f.advanceTo(day(8)).drop("s1", COURSE, day(9));
      assertThat(f.alerts("s1")).extracting(a -> a.type() + ":" + a.evidence().get("reason"))
          .containsExactly("OPENED:null", "RESOLVED:dropped");
    }
  }

  @Test
  void shouldForgetEnrolmentsWhenTheCourseEnds() {
    try (RiskFixture f = new RiskFixture()) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      f.advanceTo(RiskFixture.TERM_END.plus(Duration.ofDays(8)));
      assertThat(f.metrics.studentsTracked()).isZero();
      assertThat(f.driver().getKeyValueStore(RiskProcessor.ENROLLMENTS).approximateNumEntries()).isZero();
      assertThat(timers(f)).isEmpty();
      // The students' state goes with them, the ids of their recent events included.
      assertThat(f.driver().getKeyValueStore(RiskProcessor.STUDENTS).approximateNumEntries()).isZero();
      assertThat(f.driver().getKeyValueStore(RiskProcessor.EVENT_IDS).approximateNumEntries()).isZero();
      assertThat(f.alerts("s1")).filteredOn(a -> a.type() == Alert.Type.OPENED)
          .allSatisfy(a -> assertThat(f.alerts("s1")).anyMatch(r ->
              r.type() == Alert.Type.RESOLVED && r.alertId().equals(a.alertId())));
    }
  }

  /**
   * Event ids a checkpoint of before format 3 stored apart from a student's state go with the
   * student, also when the student sent nothing after the restore that would have moved them in.
   */
  @Test
  void shouldForgetEventIdsStoredApartWithTheStudent() {
    try (RiskFixture f = new RiskFixture()) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      KeyValueStore<String, StudentState> students =
          f.driver().getKeyValueStore(RiskProcessor.STUDENTS);
      KeyValueStore<String, RecentEventIds> apart =
          f.driver().getKeyValueStore(RiskProcessor.EVENT_IDS);
      // As restored from format 2: the state without its ids, the ids in their own store.
      StudentState s1 = students.get("s1");
      apart.put("s1", s1.recentIds);
      s1.recentIds = null;
      students.put("s1", s1);

      f.advanceTo(RiskFixture.TERM_END.plus(Duration.ofDays(8)));

      assertThat(students.get("s1")).isNull();
      assertThat(apart.get("s1")).isNull();
    }
  }

  /**
   * Alerts of every rule carry the student-course's last score, also those a course's end closes
   * (the enrolment, which holds the score, goes only after its alerts are closed).
   */
  @Test
  void shouldCarryTheLastScoreOnAnAlertClosedByTheCourseEnd() {
    try (RiskFixture f = new RiskFixture(only(Rule.NO_SUBMISSIONS))) {
      f.enroll("s1", day(-2)).enroll("s2", day(-2));
      f.assignment(COURSE, "a1", day(0), day(2));
      f.submit("s2", COURSE, "a1", day(1));
      f.advanceTo(RiskFixture.TERM_END.plus(Duration.ofDays(1)));

      List<Alert> s1 = f.alerts("s1");
      assertThat(s1).extracting(a -> a.type() + ":" + a.evidence().get("reason"))
          .containsExactly("OPENED:null", "RESOLVED:course_ended");
      List<RiskScore> scores =
          f.risk().stream().filter(r -> r.studentId().equals("s1")).toList();
      assertThat(scores).isNotEmpty();
      assertThat(s1.get(1).score()).isEqualTo(scores.get(scores.size() - 1).score());
    }
  }

  @Test
  void shouldProduceByteIdenticalAlertsOnReplay() {
    List<byte[]> first = SemesterReplay.run(42);
    List<byte[]> second = SemesterReplay.run(42);
    assertThat(first).isNotEmpty();
    assertThat(second).hasSameSizeAs(first);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i)).isEqualTo(first.get(i));
    }
  }
}
