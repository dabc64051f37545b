package coursepulse.lms.risk;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@link Rule#ACTIVITY_DROP}: a completed week's count far below the mean of the complete weeks
 * before it. Counted per enrolment (active days in the course) when {@code activityDrop.perCourse},
 * else per student (logins). Resolves once the running week is back above the ratio of the
 * baseline. Its state is a {@link State} in the enrolment's record or, on the logins basis, the
 * student's.
 */
final class ActivityDropRule implements RiskRule {
  /** The alert, and the baseline it opened against (in 1/100), which its resolution needs. */
  static final class State extends AlertSlot {
    int baselineX100;

    State(int id) {
      super(id);
    }

    @Override
    boolean isEmpty() {
      return super.isEmpty() && baselineX100 == 0;
    }
  }

  static final StateSlot<State> STATE =
      new StateSlot<>(
          Rule.ACTIVITY_DROP, 3, State::new, (s, out) -> out.varlong(s.baselineX100),
          (s, in) -> s.baselineX100 = (int) in.varlong());

  @Override
  public Rule rule() {
    return Rule.ACTIVITY_DROP;
  }

  @Override
  public StateSlot<State> state() {
    return STATE;
  }

  @Override
  public void onLogin(
      RosterContext ctx, String student, StudentState st, long t, long lastLoginBefore) {
    if (!ctx.rules().activityDrop().perCourse() && isOpen(st)) {
      maybeResolve(ctx, student, null, st, null, st.weeklyLogins, t);
    }
  }

  @Override
  public boolean onCourseWork(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      long t) {
    if (ctx.rules().activityDrop().perCourse() && isOpen(en)) {
      maybeResolve(ctx, student, course, st, en, en.activity, t);
      return true;
    }
    return false;
  }

  @Override
  public boolean onCourseWeekEnd(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      int week) {
    return ctx.rules().enabled(Rule.ACTIVITY_DROP) && ctx.rules().activityDrop().perCourse()
        && evaluate(ctx, student, course, st, en, en.activity, week, en.activeFrom, en.courseEnd);
  }

  /** On the logins basis: each student's week-end chain ({@link TimerKeys#WEEK_LOGINS}). */
  @Override
  public boolean keepsTimers(RulesConfig rules) {
    return watchesLogins(rules);
  }

  /** Whether the rule is on, on the logins basis: what the students' week-end chains are for. */
  static boolean watchesLogins(RulesConfig rules) {
    return rules.enabled(Rule.ACTIVITY_DROP) && !rules.activityDrop().perCourse();
  }

  /**
   * Starts the student's chain at the end of the enrolment's first week. Chains that meet on the
   * same week collapse into one key, so starting one per activation never evaluates a week twice,
   * and a later course extends the chain.
   */
  @Override
  public void onEnrollmentActivated(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en) {
    if (keepsTimers(ctx.rules())) {
      ctx.timers().schedule(
          Weeks.weekEnd(Weeks.weekIndex(en.activeFrom)), TimerKeys.WEEK_LOGINS, student, null);
    }
  }

  /** Starts the chain at the end of the current week; the weeks before were not watched. */
  @Override
  public void onTurnedOn(RosterContext ctx, String student, StudentState st, long now) {
    if (st.activeEnrollments > 0 && now >= 0) {
      ctx.timers().schedule(
          Weeks.weekEnd(Weeks.weekIndex(now)), TimerKeys.WEEK_LOGINS, student, null);
    }
  }

  @Override
  public void onStudentWeekEnd(
      RosterContext ctx, String student, StudentState st, int week, long activeFrom, long end) {
    if (ctx.rules().enabled(Rule.ACTIVITY_DROP) && !ctx.rules().activityDrop().perCourse()) {
      evaluate(ctx, student, null, st, null, st.weeklyLogins, week, activeFrom, end);
    }
  }

  /**
   * For a completed {@code week}: its count against the mean of the complete weeks before it.
   * Weeks before the enrolment's first full week never count as baseline, so a new student is
   * never compared with weeks they were not there.
   */
  private static boolean evaluate(
      RosterContext ctx,
      String student,
      String course,
      StudentState st,
      EnrollmentState en,
      WeeklyCounts counts,
      int week,
      long activeFrom,
      long end) {
    State s = STATE.get(en != null ? en : st);
    if (s != null && s.isOpen()) {
      return false;
    }
    RulesConfig.ActivityDrop cfg = ctx.rules().activityDrop();
    int b = cfg.baselineWeeks();
    if (week - b < Weeks.firstFullWeek(activeFrom) || Weeks.weekEnd(week) > end) {
      return false;
    }
    long sum = 0;
    for (int w = week - b; w < week; w++) {
      int c = counts.count(w);
      if (c < 0) {
        return false; // the ring moved on: cannot happen with hourly punctuation
      }
      sum += c;
    }
    int current = counts.count(week);
    if (current < 0) {
      return false;
    }
    double baseline = (double) sum / b;
    if (baseline < cfg.minBaseline() || current >= cfg.ratio() * baseline) {
      return false;
    }
    long at = Weeks.weekEnd(week);
    if (s != null && s.resolvedAt != State.NONE && at < s.resolvedAt + ctx.rules().cooldownMs()) {
      return false;
    }
    if (en != null && !en.activeAt(at - 1)) {
      return false;
    }
    STATE.getOrCreate(en != null ? en : st).baselineX100 = (int) Math.round(baseline * 100);
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("basis", cfg.basis().name().toLowerCase(Locale.ROOT));
    ev.put("weekStart", Instant.ofEpochMilli(Weeks.weekStart(week)).toString());
    ev.put("weekCount", (long) current);
    ev.put("baselineMean", Alert.ratio(baseline));
    ev.put("ratio", Alert.ratio(current / baseline));
    ev.put("thresholdRatio", Alert.ratio(cfg.ratio()));
    ctx.alerts().open(
        Rule.ACTIVITY_DROP, student, course, st, en, at, ev,
        String.format(
            Locale.ROOT, "%d %s this week against %.1f a week before",
            current,
            cfg.basis() == RulesConfig.Basis.LOGINS
                ? (current == 1 ? "login" : "logins")
                : (current == 1 ? "activity" : "activities"),
            baseline));
    return true;
  }

  /**
   * Resolves an open alert once the running week is back above the ratio of its baseline. An
   * event dated in a week before the alert opened (delivered late, backfilled) is no recovery:
   * that week's count may be a baseline week's.
   */
  private static void maybeResolve(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      WeeklyCounts counts, long t) {
    State s = STATE.get(en != null ? en : st);
    if (Weeks.weekIndex(t) < Weeks.weekIndex(s.openedAt)) {
      return;
    }
    int baselineX100 = s.baselineX100;
    int current = counts.count(Weeks.weekIndex(t));
    if (current * 100L >= ctx.rules().activityDrop().ratio() * baselineX100) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("reason", "activity_recovered");
      ev.put("weekCount", (long) current);
      ev.put("baselineMean", Alert.ratio(baselineX100 / 100.0));
      ctx.alerts().resolve(Rule.ACTIVITY_DROP, student, course, st, en, t, ev);
    }
  }

  private static boolean isOpen(Slotted record) {
    State s = STATE.get(record);
    return s != null && s.isOpen();
  }
}
