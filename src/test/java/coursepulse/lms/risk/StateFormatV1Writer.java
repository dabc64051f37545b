package coursepulse.lms.risk;

/**
 * The writer of format 1 of the records with rule state, as the releases before the state slots
 * had it (StateSerdes at commit fa49c4e), the rules' slots put back into their inline fields. Kept
 * for tests only: {@link StateFormatMigrationTest} shows it writes the bytes of that release, byte
 * for byte, and uses it to store a running state in the old format.
 */
final class StateFormatV1Writer {
  private StateFormatV1Writer() {}

  static byte[] student(StudentState s) {
    StateCodec.Out o = new StateCodec.Out();
    o.format(StateSerdes.FORMAT_V1);
    o.varlong(s.lastLoginMs);
    o.varlong(s.loginDay);
    o.varlong(s.dayLogins);
    o.weekly(s.weeklyLogins);
    o.varlong(s.courses.length);
    for (String c : s.courses) {
      o.string(c);
    }
    o.varlong(s.activeEnrollments);
    o.varlong(s.openAlerts);
    LoginInactiveRule.State login = orEmpty(LoginInactiveRule.STATE, s);
    ActivityDropRule.State drop = orEmpty(ActivityDropRule.STATE, s);
    o.varlong(login.timerAt);
    o.varlong(login.openedAt);
    o.varlong(login.resolvedAt);
    o.varlong(login.severity);
    o.varlong(drop.openedAt);
    o.varlong(drop.resolvedAt);
    o.varlong(drop.severity);
    o.varlong(drop.baselineX100);
    return o.bytes();
  }

  static byte[] enrollment(EnrollmentState e) {
    AlertSlot noSub = orEmpty(NoSubmissionsRule.STATE, e);
    MissedDeadlinesRule.State missed = orEmpty(MissedDeadlinesRule.STATE, e);
    ActivityDropRule.State drop = orEmpty(ActivityDropRule.STATE, e);
    StateCodec.Out o = new StateCodec.Out();
    o.format(StateSerdes.FORMAT_V1);
    o.varlong(e.activeFrom);
    o.varlong(e.courseEnd - e.activeFrom);
    o.rel(e.droppedAt, e.activeFrom);
    o.rel(e.lastSubmissionMs, e.activeFrom);
    o.rel(e.lastActivityMs, e.activeFrom);
    o.varlong(e.submittedByDue);
    o.varlong(e.submittedByGrace);
    o.varlong(missed.streak);
    o.weekly(e.activity);
    o.emptyWeekly(); // submissions per week: passed over when read since format 4
    o.rel(noSub.openedAt, e.activeFrom);
    o.rel(noSub.resolvedAt, e.activeFrom);
    o.rel(missed.openedAt, e.activeFrom);
    o.rel(missed.resolvedAt, e.activeFrom);
    o.rel(drop.openedAt, e.activeFrom);
    o.rel(drop.resolvedAt, e.activeFrom);
    o.varlong(noSub.severity);
    o.varlong(missed.severity);
    o.varlong(drop.severity);
    o.varlong(drop.baselineX100);
    return o.bytes();
  }

  static byte[] studentCourse(StudentCourse s) {
    StateCodec.Out o = new StateCodec.Out();
    o.format(StateSerdes.FORMAT_V1);
    o.varlong(s.ringDay);
    for (short c : s.clicks) {
      o.varlong(c);
    }
    o.varlong(s.lastActiveDay == StudentCourse.NO_DAY ? 0 : s.ringDay - s.lastActiveDay + 1);
    o.varlong(s.judgedBits);
    o.varlong(s.submittedBits);
    o.varlong(s.onTime);
    o.varlong(s.late);
    o.varlong(s.missed);
    o.varlong(s.grades.length);
    for (short g : s.grades) {
      o.varlong(g);
    }
    StateSlot<?>[] inline = {
      InactiveRule.STATE, MissedWorkRule.STATE, LowGradesRule.STATE, RiskScoreRule.STATE
    };
    o.varlong(inline.length);
    for (StateSlot<?> slot : inline) {
      AlertSlot a = orEmpty(slot, s);
      o.varlong(a.openedAt);
      o.varlong(a.resolvedAt);
      o.varlong(a.severity);
    }
    o.varlong(s.lastScoreE4);
    o.varlong(s.lastScoreDay == StudentCourse.NO_DAY ? 0 : s.ringDay - s.lastScoreDay + 1);
    return o.bytes();
  }

  private static <S extends AlertSlot> S orEmpty(StateSlot<S> slot, Slotted record) {
    S s = slot.get(record);
    return s != null ? s : slot.create();
  }
}
