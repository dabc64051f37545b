package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StateSerdesTest {
  private static final long T = 1_767_571_200_000L; // 2026-01-05

  @Test
  void shouldRoundTripAnEnrolmentIntoFewBytes() {
    EnrollmentState e = new EnrollmentState(4);
    e.activeFrom = T;
    e.courseEnd = T + 105 * Weeks.DAY_MS;
    e.droppedAt = T - 5; // before activeFrom: relative encoding must keep it
    e.lastSubmissionMs = T + 3 * Weeks.DAY_MS;
    e.lastActivityMs = T + 4 * Weeks.DAY_MS;
    e.submittedByDue = 0b1011;
    e.submittedByGrace = 0b1111;
    e.consecutiveMissed = 2;
    for (int i = 0; i < 12; i++) {
      e.activity.increment(T + i * Weeks.DAY_MS);
    }
    e.submissions.increment(T + Weeks.DAY_MS);
    e.markOpened(Rule.MISSED_DEADLINES, T + 15 * Weeks.DAY_MS, Severity.HIGH);
    e.markResolved(Rule.NO_SUBMISSIONS, T + 9 * Weeks.DAY_MS);
    e.dropBaselineX100 = 1234;

    var serde = StateSerdes.enrollment(4);
    byte[] bytes = serde.serialize(e);
    EnrollmentState back = serde.deserialize(bytes);

    assertThat(serde.serialize(back)).isEqualTo(bytes);
    assertThat(back.droppedAt).isEqualTo(T - 5);
    assertThat(back.missedOpenedAt).isEqualTo(T + 15 * Weeks.DAY_MS);
    assertThat(back.severity(Rule.MISSED_DEADLINES)).isEqualTo((byte) Severity.HIGH.ordinal());
    assertThat(back.noSubOpenedAt).isEqualTo(EnrollmentState.NONE);
    assertThat(back.activity.count(Weeks.weekIndex(T))).isEqualTo(7);
    assertThat(back.activity.count(Weeks.weekIndex(T) + 1)).isEqualTo(5);
    assertThat(bytes.length).isLessThan(80);
  }

  /**
   * Bytes of an enrolment checkpointed by the previous release (format 1, before the cohort-aware
   * rules): the roster state keeps its format, so such a checkpoint restores unchanged.
   */
  @Test
  void shouldReadAnEnrolmentWrittenInTheOldFormat() {
    byte[] old = java.util.HexFormat.of().parseHex(
        "0180e0a0b7f16680f0ddcb430082d098f70182c0cbc902060e02d42d0a0400000000ffffffff0f0a00000000"
            + "0000008290fbd30900000000020000");
    var serde = StateSerdes.enrollment(4);
    EnrollmentState e = serde.deserialize(old);

    assertThat(e.activeFrom).isEqualTo(T);
    assertThat(e.courseEnd).isEqualTo(T + 105 * Weeks.DAY_MS);
    assertThat(e.lastActivityMs).isEqualTo(T + 4 * Weeks.DAY_MS);
    assertThat(e.submittedByGrace).isEqualTo(0b111);
    assertThat(e.missedOpenedAt).isEqualTo(T + 15 * Weeks.DAY_MS);
    assertThat(e.severity(Rule.MISSED_DEADLINES)).isEqualTo((byte) Severity.MEDIUM.ordinal());
    assertThat(serde.serialize(e)).isEqualTo(old);
  }

  @Test
  void shouldRoundTripTheSignalStateOfAStudentCourse() {
    StudentCourse sc = new StudentCourse();
    int day = Weeks.dayIndex(T);
    sc.recordActivity(day, 12);
    sc.recordActivity(day + 3, 1);
    sc.onTime = 2;
    sc.missed = 1;
    sc.judgedBits = 0b111;
    sc.grade(2, 350);
    sc.opened[AlertBook.slot(Rule.INACTIVE)] = T;
    sc.lastScoreE4 = 4321;
    sc.lastScoreDay = day + 3;

    byte[] bytes = StateSerdes.STUDENT_COURSE.serialize(sc);
    StudentCourse back = StateSerdes.STUDENT_COURSE.deserialize(bytes);

    assertThat(StateSerdes.STUDENT_COURSE.serialize(back)).isEqualTo(bytes);
    assertThat(back.activeDays(day + 3, 7)).isEqualTo(2);
    assertThat(back.lastActiveDay).isEqualTo(day + 3);
    assertThat(back.grades).containsExactly((short) -1, (short) -1, (short) 350);
    assertThat(back.opened[AlertBook.slot(Rule.INACTIVE)]).isEqualTo(T);
    assertThat(back.lastScoreDay).isEqualTo(day + 3);
    assertThat(bytes.length).isLessThan(90);
  }

  @Test
  void shouldRoundTripAStudent() {
    StudentState s = new StudentState(4);
    s.recordLogin(T + 1000);
    s.recordLogin(T + 2000);
    s.addCourse("c2");
    s.addCourse("c1");
    s.activeEnrollments = 2;
    s.openAlerts = 1;
    s.loginTimerAt = T + 7 * Weeks.DAY_MS;
    s.markOpened(Rule.LOGIN_INACTIVE, T, Severity.LOW);

    var serde = StateSerdes.student(4);
    StudentState back = serde.deserialize(serde.serialize(s));

    assertThat(back.courses).containsExactly("c1", "c2");
    assertThat(back.lastLoginMs).isEqualTo(T + 2000);
    assertThat(back.loginsOnDay(T)).isEqualTo(2);
    assertThat(back.loginOpenedAt).isEqualTo(T);
    assertThat(serde.serialize(back)).isEqualTo(serde.serialize(s));
  }

  @Test
  void shouldOrderTimerKeysByDueTime() {
    String early = TimerKeys.key(999, TimerKeys.LOGIN, "zzz", null);
    String late = TimerKeys.key(1000, TimerKeys.COURSE_END, "aaa", null);
    assertThat(early).isLessThan(late);
    assertThat(late.compareTo(TimerKeys.upTo(1000))).isNegative();
    assertThat(TimerKeys.key(1001, TimerKeys.LOGIN, "a", null).compareTo(TimerKeys.upTo(1000)))
        .isPositive();
    assertThat(TimerKeys.parse(TimerKeys.key(42, TimerKeys.NO_SUBMISSIONS, "s1", "c1")))
        .isEqualTo(new TimerKeys.Timer(42, TimerKeys.NO_SUBMISSIONS, "s1", "c1"));
  }
}
