package coursepulse.lms.risk;

/**
 * Reads the records with rule state in format 1, as the releases before the state slots wrote
 * them (checkpoints, and the changelog stores built from them): the rules' fields were inline in
 * {@link StudentState}, {@link EnrollmentState} and {@link StudentCourse}. Each rule's fields move
 * into its {@link StateSlot}; a rule with nothing to keep gets no state. The next write of the
 * record is format 2.
 */
final class StateFormatV1 {
  private StateFormatV1() {}

  static StudentState student(byte[] bytes, int weeksKept) {
    StateCodec.In in = new StateCodec.In(bytes, StateSerdes.FORMAT_V1);
    long lastLogin = in.varlong();
    int day = (int) in.varlong();
    int dayLogins = (int) in.varlong();
    StudentState s = new StudentState(in.weekly(weeksKept));
    s.lastLoginMs = lastLogin;
    s.loginDay = day;
    s.dayLogins = dayLogins;
    String[] courses = new String[(int) in.varlong()];
    for (int i = 0; i < courses.length; i++) {
      courses[i] = StudentState.canonicalCourse(in.string());
    }
    s.courses = courses;
    s.activeEnrollments = (int) in.varlong();
    s.openAlerts = (int) in.varlong();
    LoginInactiveRule.State login = LoginInactiveRule.STATE.create();
    login.timerAt = in.varlong();
    login.openedAt = in.varlong();
    login.resolvedAt = in.varlong();
    login.severity = (byte) in.varlong();
    ActivityDropRule.State drop = ActivityDropRule.STATE.create();
    drop.openedAt = in.varlong();
    drop.resolvedAt = in.varlong();
    drop.severity = (byte) in.varlong();
    drop.baselineX100 = (int) in.varlong();
    keep(s, login);
    keep(s, drop);
    return s;
  }

  static EnrollmentState enrollment(byte[] bytes, int weeksKept) {
    StateCodec.In in = new StateCodec.In(bytes, StateSerdes.FORMAT_V1);
    long from = in.varlong();
    long end = from + in.varlong();
    long dropped = in.rel(from);
    long lastSub = in.rel(from);
    long lastAct = in.rel(from);
    long byDue = in.varlong();
    long byGrace = in.varlong();
    int consecutiveMissed = (int) in.varlong();
    WeeklyCounts activity = in.weekly(weeksKept);
    in.skipWeekly(); // submissions per week: no rule read them
    EnrollmentState e = new EnrollmentState(activity);
    e.activeFrom = from;
    e.courseEnd = end;
    e.droppedAt = dropped;
    e.lastSubmissionMs = lastSub;
    e.lastActivityMs = lastAct;
    e.submittedByDue = byDue;
    e.submittedByGrace = byGrace;
    AlertSlot noSub = NoSubmissionsRule.STATE.create();
    MissedDeadlinesRule.State missed = MissedDeadlinesRule.STATE.create();
    ActivityDropRule.State drop = ActivityDropRule.STATE.create();
    missed.streak = consecutiveMissed;
    noSub.openedAt = in.rel(from);
    noSub.resolvedAt = in.rel(from);
    missed.openedAt = in.rel(from);
    missed.resolvedAt = in.rel(from);
    drop.openedAt = in.rel(from);
    drop.resolvedAt = in.rel(from);
    noSub.severity = (byte) in.varlong();
    missed.severity = (byte) in.varlong();
    drop.severity = (byte) in.varlong();
    drop.baselineX100 = (int) in.varlong();
    keep(e, noSub);
    keep(e, missed);
    keep(e, drop);
    return e;
  }

  /** Slots 0..3 of format 1, in the order of the rules then kept in StudentCourse. */
  private static final StateSlot<?>[] STUDENT_COURSE_SLOTS = {
    InactiveRule.STATE, MissedWorkRule.STATE, LowGradesRule.STATE, RiskScoreRule.STATE
  };

  static StudentCourse studentCourse(byte[] bytes) {
    StateCodec.In in = new StateCodec.In(bytes, StateSerdes.FORMAT_V1);
    StudentCourse s = new StudentCourse();
    s.ringDay = (int) in.varlong();
    for (int i = 0; i < s.clicks.length; i++) {
      s.clicks[i] = (short) in.varlong();
    }
    int lastActive = (int) in.varlong();
    s.lastActiveDay = lastActive == 0 ? StudentCourse.NO_DAY : s.ringDay - lastActive + 1;
    s.judgedBits = in.varlong();
    s.submittedBits = in.varlong();
    s.onTime = (int) in.varlong();
    s.late = (int) in.varlong();
    s.missed = (int) in.varlong();
    short[] grades = new short[(int) in.varlong()];
    for (int i = 0; i < grades.length; i++) {
      grades[i] = (short) in.varlong();
    }
    s.grades = grades;
    int stored = (int) in.varlong();
    for (int i = 0; i < stored; i++) {
      long opened = in.varlong();
      long resolved = in.varlong();
      byte severity = (byte) in.varlong();
      if (i < STUDENT_COURSE_SLOTS.length) {
        AlertSlot a = STUDENT_COURSE_SLOTS[i].create();
        a.openedAt = opened;
        a.resolvedAt = resolved;
        a.severity = severity;
        keep(s, a);
      }
    }
    s.lastScoreE4 = (int) in.varlong();
    int scoreDay = (int) in.varlong();
    s.lastScoreDay = scoreDay == 0 ? StudentCourse.NO_DAY : s.ringDay - scoreDay + 1;
    return s;
  }

  private static void keep(Slotted record, AlertSlot state) {
    if (!state.isEmpty()) {
      record.add(state);
    }
  }
}
