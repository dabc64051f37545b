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
    for (int i = 0; i < 12; i++) {
      e.activity.increment(T + i * Weeks.DAY_MS);
    }
    MissedDeadlinesRule.State missed = MissedDeadlinesRule.STATE.getOrCreate(e);
    missed.streak = 2;
    missed.markOpened(T + 15 * Weeks.DAY_MS, Severity.HIGH);
    NoSubmissionsRule.STATE.getOrCreate(e).markResolved(T + 9 * Weeks.DAY_MS);
    ActivityDropRule.STATE.getOrCreate(e).baselineX100 = 1234;
    e.signals.recordActivity(Weeks.dayIndex(T) + 4, 17);
    e.signals.missed = 1;
    InactiveRule.STATE.getOrCreate(e.signals).markOpened(T + 20 * Weeks.DAY_MS, Severity.LOW);
    e.signals.ranked(Weeks.dayIndex(T) + 9, 3);

    var serde = StateSerdes.enrollment(4);
    byte[] bytes = serde.serialize(e);
    EnrollmentState back = serde.deserialize(bytes);

    // One record per student-course: the enrolment, then its signals and their ranked count.
    assertThat(bytes[0]).isEqualTo(StateSerdes.FORMAT_V5);
    assertThat(serde.serialize(back)).isEqualTo(bytes);
    assertThat(back.signals.submittedAsRanked(Weeks.dayIndex(T) + 9)).isEqualTo(3);
    assertThat(back.signals.submittedAsRanked(Weeks.dayIndex(T) + 10)).isEqualTo(-1);
    assertThat(back.signals.clicks(Weeks.dayIndex(T) + 4, 28)).isEqualTo(17);
    assertThat(back.signals.missed).isEqualTo(1);
    assertThat(InactiveRule.STATE.get(back.signals).openedAt).isEqualTo(T + 20 * Weeks.DAY_MS);
    assertThat(back.droppedAt).isEqualTo(T - 5);
    assertThat(MissedDeadlinesRule.STATE.get(back).openedAt).isEqualTo(T + 15 * Weeks.DAY_MS);
    assertThat(MissedDeadlinesRule.STATE.get(back).severity)
        .isEqualTo((byte) Severity.HIGH.ordinal());
    assertThat(MissedDeadlinesRule.STATE.get(back).streak).isEqualTo(2);
    assertThat(NoSubmissionsRule.STATE.get(back).isOpen()).isFalse();
    assertThat(NoSubmissionsRule.STATE.get(back).resolvedAt).isEqualTo(T + 9 * Weeks.DAY_MS);
    assertThat(ActivityDropRule.STATE.get(back).baselineX100).isEqualTo(1234);
    assertThat(back.activity.count(Weeks.weekIndex(T))).isEqualTo(7);
    assertThat(back.activity.count(Weeks.weekIndex(T) + 1)).isEqualTo(5);
    // About 60 bytes of enrolment, 40 of signals (28 daily counts, mostly one byte each) and 3 of
    // ranked count.
    assertThat(bytes.length).isLessThan(125);
  }

  /**
   * An enrolment of format 4, as the previous release (46049a1) wrote it: activeFrom T, a 105-day
   * course, 5 clicks on T's day + 2. It reads with no ranked count, so a grade waits for the next
   * course day's ranking, and is written back in format 5: the same bytes and the count's "none".
   */
  @Test
  void shouldReadAnEnrolmentOfFormat4WithoutARankedCount() {
    byte[] v4 =
        java.util.HexFormat.of()
            .parseHex(
                "0480e0a0b7f16680f0ddcb430000000000ffffffff0f0a000000000000d8bf020a0000000000000000"
                    + "0000000000000000000000000000000000000002000000000000010000");
    var serde = StateSerdes.enrollment(4);

    EnrollmentState back = serde.deserialize(v4);

    assertThat(back.activeFrom).isEqualTo(T);
    assertThat(back.courseEnd).isEqualTo(T + 105 * Weeks.DAY_MS);
    assertThat(back.signals.clicks(Weeks.dayIndex(T) + 2, 1)).isEqualTo(5);
    assertThat(back.signals.rankedDay).isEqualTo(StudentCourse.NO_DAY);
    byte[] v5 = serde.serialize(back);
    assertThat(v5[0]).isEqualTo(StateSerdes.FORMAT_V5);
    assertThat(java.util.Arrays.copyOfRange(v5, 1, v5.length - 1))
        .isEqualTo(java.util.Arrays.copyOfRange(v4, 1, v4.length));
    assertThat(v5[v5.length - 1]).isZero();
  }

  @Test
  void shouldWriteAnEnrolmentWhoseSignalsAreStillStoredApartInTheFormerFormat() {
    EnrollmentState e = new EnrollmentState(4);
    e.activeFrom = T;
    e.courseEnd = T + 105 * Weeks.DAY_MS;
    e.lastActivityMs = T + Weeks.DAY_MS;
    e.signals = null;

    var serde = StateSerdes.enrollment(4);
    byte[] bytes = serde.serialize(e);
    EnrollmentState back = serde.deserialize(bytes);

    assertThat(bytes[0]).isEqualTo(StateSerdes.FORMAT_V2);
    assertThat(back.signals).isNull();
    assertThat(back.lastActivityMs).isEqualTo(T + Weeks.DAY_MS);
    assertThat(serde.serialize(back)).isEqualTo(bytes);
  }

  /**
   * A student's state keeps the fingerprints of their last 64 event ids (format 3): after a round
   * trip the same ids are recognised, in the same order of forgetting.
   */
  @Test
  void shouldRoundTripAStudentWithAWrappedRingOfRecentEventIds() {
    StudentState st = new StudentState(4);
    st.recordLogin(T);
    st.addCourse("c-1");
    for (int i = 0; i < RecentEventIds.PER_KEY + 6; i++) {
      assertThat(st.recentIds.seenBefore("e-" + i)).isFalse();
    }
    var serde = StateSerdes.student(4);
    byte[] bytes = serde.serialize(st);
    StudentState back = serde.deserialize(bytes);

    assertThat(bytes[0]).isEqualTo(StateSerdes.FORMAT_V3);
    assertThat(serde.serialize(back)).isEqualTo(bytes);
    assertThat(back.courses).containsExactly("c-1");
    for (int i = 6; i < RecentEventIds.PER_KEY + 6; i++) {
      assertThat(back.recentIds.seenBefore("e-" + i)).as("e-" + i).isTrue();
    }
    assertThat(back.recentIds.seenBefore("e-5")).as("forgotten: one of the 6 oldest").isFalse();
    // Remembering e-5 forgot the oldest still held (e-6): the order of forgetting came through.
    assertThat(back.recentIds.seenBefore("e-6")).isFalse();
  }

  /**
   * An enrolment of format 3, as the previous release wrote it (format 2's fields, a ring of
   * submissions per week among them, then its signals), reads without that ring and is written
   * back in the current format, shorter by it (and longer by format 5's byte for no ranked
   * count).
   */
  @Test
  void shouldReadAnEnrolmentOfFormat3AndWriteItWithoutItsSubmissionsPerWeek() {
    EnrollmentState e = new EnrollmentState(4);
    e.activeFrom = T;
    e.courseEnd = T + 105 * Weeks.DAY_MS;
    e.activity.increment(T);
    e.activity.increment(T + Weeks.DAY_MS);
    StudentCourse signals = e.signals;
    signals.recordActivity(Weeks.dayIndex(T), 3);
    e.signals = null; // written in format 2, as format 3 wrote the enrolment's own fields
    byte[] v2 = StateSerdes.enrollment(4).serialize(e);
    byte[] signalsV2 = StateSerdes.STUDENT_COURSE.serialize(signals);
    // Format 2 writes an empty ring where format 3 had the submissions per week: put one back.
    byte[] submissions = SubmissionsPerWeek.of(Weeks.weekIndex(T), (short) 2, (short) 1, (short) 0);
    byte[] withRing = SubmissionsPerWeek.replaced(v2, submissions);
    java.io.ByteArrayOutputStream v3 = new java.io.ByteArrayOutputStream();
    v3.write(StateSerdes.FORMAT_V3);
    v3.write(withRing, 1, withRing.length - 1);
    v3.write(signalsV2, 1, signalsV2.length - 1);

    EnrollmentState back = StateSerdes.enrollment(4).deserialize(v3.toByteArray());
    byte[] current = StateSerdes.enrollment(4).serialize(back);

    assertThat(v2[0]).isEqualTo(StateSerdes.FORMAT_V2);
    assertThat(back.activity.count(Weeks.weekIndex(T))).isEqualTo(2);
    assertThat(back.courseEnd).isEqualTo(T + 105 * Weeks.DAY_MS);
    assertThat(back.signals.clicks(Weeks.dayIndex(T), 28)).isEqualTo(3);
    assertThat(current[0]).isEqualTo(StateSerdes.FORMAT_V5);
    assertThat(current).hasSize(v3.size() - submissions.length + 1);
    assertThat(
            StateSerdes.enrollment(4).deserialize(current).signals.clicks(Weeks.dayIndex(T), 28))
        .isEqualTo(3);
  }

  /** A rule with nothing to keep costs nothing: its empty state is neither kept nor written. */
  @Test
  void shouldWriteTheSameBytesWithOrWithoutAnEmptyRuleState() {
    EnrollmentState plain = new EnrollmentState(4);
    plain.activeFrom = T;
    plain.courseEnd = T + 105 * Weeks.DAY_MS;
    EnrollmentState touched = new EnrollmentState(4);
    touched.activeFrom = T;
    touched.courseEnd = T + 105 * Weeks.DAY_MS;
    MissedDeadlinesRule.STATE.getOrCreate(touched);
    LoginInactiveRule.STATE.getOrCreate(touched);

    var serde = StateSerdes.enrollment(4);
    byte[] bytes = serde.serialize(plain);

    assertThat(serde.serialize(touched)).isEqualTo(bytes);
    assertThat(serde.deserialize(bytes).slots()).isEmpty();
  }

  /** A state whose rule is gone (its slot id unknown) is passed over; the rest reads. */
  @Test
  void shouldPassOverTheStateOfARuleNoLongerDeclared() {
    EnrollmentState e = new EnrollmentState(4);
    e.activeFrom = T;
    e.courseEnd = T + 105 * Weeks.DAY_MS;
    MissedDeadlinesRule.STATE.getOrCreate(e).streak = 3;
    var serde = StateSerdes.enrollment(4);
    byte[] bytes = serde.serialize(e);
    // The enrolment's slots end where its signals start (their record without its format byte),
    // and those end with the byte for no ranked count.
    int signals = StateSerdes.STUDENT_COURSE.serialize(e.signals).length - 1 + 1;
    // count 1, id 2, length 4 (opened, resolved, severity, streak): make it two slots, the first
    // with id 99 and a 3-byte payload no rule can read.
    int at = bytes.length - signals - 7;
    assertThat(bytes[at]).isEqualTo((byte) 2); // zig-zag 1
    byte[] withUnknown = new byte[bytes.length + 5];
    System.arraycopy(bytes, 0, withUnknown, 0, at);
    withUnknown[at] = 4; // two slots
    withUnknown[at + 1] = (byte) 0xC6; // id 99, zig-zag 198: two bytes
    withUnknown[at + 2] = 0x01;
    withUnknown[at + 3] = 4; // length 2
    withUnknown[at + 4] = 0x7F;
    withUnknown[at + 5] = 0x7F;
    System.arraycopy(bytes, at + 1, withUnknown, at + 6, 6 + signals);

    EnrollmentState back = serde.deserialize(withUnknown);

    assertThat(back.slots()).hasSize(1);
    assertThat(MissedDeadlinesRule.STATE.get(back).streak).isEqualTo(3);
    assertThat(serde.serialize(back)).isEqualTo(bytes);
  }

  /**
   * Bytes of an enrolment checkpointed by an earlier release (format 1, before the cohort-aware
   * rules): the rules' inline fields move into their slots, and the record is written in format 2.
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
    MissedDeadlinesRule.State missed = MissedDeadlinesRule.STATE.get(e);
    assertThat(missed.openedAt).isEqualTo(T + 15 * Weeks.DAY_MS);
    assertThat(missed.severity).isEqualTo((byte) Severity.MEDIUM.ordinal());
    assertThat(missed.streak).isEqualTo(1);
    assertThat(NoSubmissionsRule.STATE.get(e)).isNull();
    assertThat(ActivityDropRule.STATE.get(e)).isNull();
    byte[] now = serde.serialize(e);
    assertThat(now[0]).isEqualTo(StateSerdes.FORMAT_V2);
    assertThat(serde.serialize(serde.deserialize(now))).isEqualTo(now);
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
    InactiveRule.STATE.getOrCreate(sc).markOpened(T, Severity.LOW);
    sc.lastScoreE4 = 4321;
    sc.lastScoreDay = day + 3;

    byte[] bytes = StateSerdes.STUDENT_COURSE.serialize(sc);
    StudentCourse back = StateSerdes.STUDENT_COURSE.deserialize(bytes);

    assertThat(StateSerdes.STUDENT_COURSE.serialize(back)).isEqualTo(bytes);
    assertThat(back.activeDays(day + 3, 7)).isEqualTo(2);
    assertThat(back.lastActiveDay).isEqualTo(day + 3);
    assertThat(back.grades).containsExactly((short) -1, (short) -1, (short) 350);
    assertThat(InactiveRule.STATE.get(back).openedAt).isEqualTo(T);
    assertThat(RiskScoreRule.STATE.get(back)).isNull();
    assertThat(back.lastScoreDay).isEqualTo(day + 3);
    assertThat(bytes.length).isLessThan(90);
  }

  @Test
  void shouldRoundTripTheClassAsRankedAtTheEndOfACourseDay() {
    int day = Weeks.dayIndex(T) + 9;
    CohortDay.Activity[] members = {
      new CohortDay.Activity(day, 5, 9, 0, 120, 2),
      new CohortDay.Activity(day, 0, 1, 12, 0, 0),
      new CohortDay.Activity(day, 3, 3, 1, 40, 1)
    };
    CohortDay d = CohortDay.of(T + 10 * Weeks.DAY_MS, day, 10, members);
    d.scoreAlertsOpen = 2;

    byte[] bytes = StateSerdes.CLASS_DAY.serialize(d);
    CohortDay back = StateSerdes.CLASS_DAY.deserialize(bytes);

    assertThat(StateSerdes.CLASS_DAY.serialize(back)).isEqualTo(bytes);
    assertThat(back.at).isEqualTo(T + 10 * Weeks.DAY_MS);
    assertThat(back.lastDay).isEqualTo(day);
    assertThat(back.courseDay).isEqualTo(10);
    assertThat(back.daysSince).containsExactly(0, 1, 12);
    assertThat(back.clicks14).containsExactly(0, 40, 120);
    assertThat(back.medians()).isEqualTo(d.medians());
    assertThat(back.scoreAlertsOpen).isEqualTo(2);
    // About 3 bytes per member and 15 for the rest.
    assertThat(bytes.length).isLessThan(40);
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
    LoginInactiveRule.State login = LoginInactiveRule.STATE.getOrCreate(s);
    login.timerAt = T + 7 * Weeks.DAY_MS;
    login.markOpened(T, Severity.LOW);

    var serde = StateSerdes.student(4);
    StudentState back = serde.deserialize(serde.serialize(s));

    assertThat(back.courses).containsExactly("c1", "c2");
    assertThat(back.lastLoginMs).isEqualTo(T + 2000);
    assertThat(back.loginsOnDay(T)).isEqualTo(2);
    assertThat(LoginInactiveRule.STATE.get(back).openedAt).isEqualTo(T);
    assertThat(LoginInactiveRule.STATE.get(back).timerAt).isEqualTo(T + 7 * Weeks.DAY_MS);
    assertThat(serde.serialize(back)).isEqualTo(serde.serialize(s));
  }

  @Test
  void shouldGiveEveryRuleItsOwnSlot() {
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    for (RiskRule r : RiskRule.ALL) {
      assertThat(ids.add(r.state().id())).as("slot id of %s", r.rule()).isTrue();
      assertThat(StateSlot.of(r.rule())).isSameAs(r.state());
      assertThat(StateSlot.byId(r.state().id())).isSameAs(r.state());
    }
  }

  @Test
  void shouldFireTimersInTheOrderTheirFormerKeysSorted() {
    // Timers restored from a checkpoint of the former key-value store fire in the same order.
    java.util.Random random = new java.util.Random(3);
    // ASCII ids that are prefixes of each other, and ids whose UTF-16 order is not their UTF-8
    // order (U+FF21 sorts after U+1F600 in UTF-16 units, before it in code points)
    String[] ids = {"a", "ab", "b", "a b", "c1", "c10", "c2", "\uff21", "\ud83d\ude00", "\uff21x"};
    java.util.List<TimerKeys.Timer> timers = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      char kind = "LNDWwEY".charAt(random.nextInt(7));
      String b = random.nextBoolean() ? null : ids[random.nextInt(ids.length)];
      timers.add(TimerKeys.timer(random.nextInt(3) * 1000L, kind, ids[random.nextInt(ids.length)], b));
    }
    java.util.List<TimerKeys.Timer> byKey = new java.util.ArrayList<>(timers);
    // The former store's order: its keys' UTF-8 bytes, unsigned.
    byKey.sort((x, y) -> java.util.Arrays.compareUnsigned(
        TimerKeys.key(x.due(), x.kind(), x.a(), x.b()).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        TimerKeys.key(y.due(), y.kind(), y.a(), y.b()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    java.util.List<TimerKeys.Timer> byOrder = new java.util.ArrayList<>(timers);
    byOrder.sort(
        java.util.Comparator.comparingLong(TimerKeys.Timer::due).thenComparing(TimerKeys.ORDER));
    assertThat(byOrder).isEqualTo(byKey);

    for (TimerKeys.Timer t : timers) {
      assertThat(TimerKeys.SERDE.deserialize(TimerKeys.SERDE.serialize(t))).isEqualTo(t);
    }
    assertThat(TimerKeys.parse(TimerKeys.key(42, TimerKeys.NO_SUBMISSIONS, "s1", "c1")))
        .isEqualTo(new TimerKeys.Timer(42, TimerKeys.NO_SUBMISSIONS, "s1", "c1"));
    assertThat(TimerKeys.timer(-5, TimerKeys.LOGIN, "s1", null).due()).isZero();
    assertThat(TimerKeys.validId("s-\ud83d\ude00")).isTrue();
    assertThat(TimerKeys.validId("s-\ud83d")).as("unpaired high surrogate").isFalse();
    assertThat(TimerKeys.validId("\ude00-s")).as("unpaired low surrogate").isFalse();
    assertThat(TimerKeys.validId("s\u0001c")).as("separator").isFalse();
  }
}
