package coursepulse.lms.risk;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@link Rule#NO_SUBMISSIONS}: no submission in a course for {@code noSubmissions.days}, counted
 * from the last submission or the start of the enrolment, while at least one assignment of the
 * course, due in that time, was not handed in by its due time + grace. Resolves on the next
 * submission in the course. Its state is its alert in the enrolment's record, read with the
 * enrolment's {@code lastSubmissionMs}, and a pending {@link TimerKeys#NO_SUBMISSIONS} check per
 * enrolment, set where the silence reaches the threshold and moved by each submission.
 */
final class NoSubmissionsRule implements RiskRule {
  static final StateSlot<AlertSlot> STATE = StateSlot.alertOnly(Rule.NO_SUBMISSIONS, 1);

  @Override
  public Rule rule() {
    return Rule.NO_SUBMISSIONS;
  }

  @Override
  public StateSlot<AlertSlot> state() {
    return STATE;
  }

  @Override
  public boolean keepsTimers(RulesConfig rules) {
    return rules.enabled(Rule.NO_SUBMISSIONS);
  }

  @Override
  public void onEnrollmentActivated(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en) {
    if (keepsTimers(ctx.rules())) {
      ctx.timers().schedule(
          en.activeFrom + ctx.rules().noSubmissionsMs(), TimerKeys.NO_SUBMISSIONS, student, course);
    }
  }

  @Override
  public void onTurnedOn(RosterContext ctx, String student, StudentState st, long now) {
    for (String course : st.courses) {
      EnrollmentState en = ctx.roster().enrollment(student, course);
      if (en != null && !en.dropped()) {
        ctx.timers().schedule(silenceDue(ctx, en), TimerKeys.NO_SUBMISSIONS, student, course);
      }
    }
  }

  @Override
  public void onSubmission(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      String assignmentId, long t) {
    long oldDue = silenceDue(ctx, en);
    en.lastSubmissionMs = Math.max(en.lastSubmissionMs, t);
    AlertSlot a = STATE.get(en);
    // A submission dated before the silence began (delivered late, backfilled) ends nothing.
    if (a != null && a.isOpen() && t > oldDue - ctx.rules().noSubmissionsMs()) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("reason", "submission");
      ev.put("assignmentId", assignmentId);
      ctx.alerts().resolve(Rule.NO_SUBMISSIONS, student, course, st, en, t, ev);
    }
    long newDue = silenceDue(ctx, en);
    if (newDue != oldDue && keepsTimers(ctx.rules())) {
      ctx.timers().cancel(oldDue, TimerKeys.NO_SUBMISSIONS, student, course);
      ctx.timers().schedule(newDue, TimerKeys.NO_SUBMISSIONS, student, course);
    }
  }

  /** A deadline passed: an assignment may be owed now, which {@link #check} waits for. */
  @Override
  public void afterDeadline(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      long now) {
    check(ctx, student, course, st, en, now);
  }

  @Override
  public boolean onTimer(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      TimerKeys.Timer timer, long now) {
    return timer.kind() == TimerKeys.NO_SUBMISSIONS && check(ctx, student, course, st, en, now);
  }

  /** When the silence reaches the threshold, as things stand. */
  private static long silenceDue(RosterContext ctx, EnrollmentState en) {
    return Math.max(en.lastSubmissionMs, en.activeFrom) + ctx.rules().noSubmissionsMs();
  }

  /**
   * Opens the alert once the threshold has passed since the last submission (or the start) and at
   * least one assignment of this course, due after that, was not handed in by its due time plus
   * grace. Without one it waits for the next deadline (due + grace), which calls this again.
   *
   * @return whether it opened the alert
   */
  private static boolean check(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      long now) {
    RulesConfig rules = ctx.rules();
    AlertSlot a = STATE.get(en);
    if (!rules.enabled(Rule.NO_SUBMISSIONS) || en.dropped() || (a != null && a.isOpen())) {
      return false;
    }
    long since = Math.max(en.lastSubmissionMs, en.activeFrom);
    long due = since + rules.noSubmissionsMs();
    if (due > now) {
      ctx.timers().schedule(due, TimerKeys.NO_SUBMISSIONS, student, course);
      return false;
    }
    // Only work still owed counts: an assignment handed in early makes silence unremarkable, and
    // one still inside its grace period is not owed yet (the same line MISSED_DEADLINES draws).
    long graceMs = rules.graceMs();
    CourseAssignments ca = ctx.roster().assignments(course);
    long firstOwed = Long.MAX_VALUE;
    long owed = 0;
    for (int i = 0; i < ca.size(); i++) {
      long d = ca.due(i);
      boolean handedIn = i < RiskProcessor.MAX_TRACKED_ASSIGNMENTS
          && (en.submittedByGrace & (1L << i)) != 0;
      if (d > since && d + graceMs <= now && !handedIn) {
        firstOwed = Math.min(firstOwed, d + graceMs);
        owed++;
      }
    }
    if (firstOwed == Long.MAX_VALUE) {
      return false;
    }
    long openAt = Math.max(due, firstOwed);
    if (a != null && a.resolvedAt != AlertSlot.NONE) {
      openAt = Math.max(openAt, a.resolvedAt + rules.cooldownMs());
    }
    if (openAt > now) {
      ctx.timers().schedule(openAt, TimerKeys.NO_SUBMISSIONS, student, course);
      return false;
    }
    if (!en.activeAt(openAt)) {
      return false;
    }
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("daysWithoutSubmission", Alert.days(openAt - since));
    ev.put("thresholdDays", Alert.ratio(rules.noSubmissions().days()));
    ev.put("assignmentsDue", owed);
    ev.put("lastSubmissionAt", en.lastSubmissionMs == EnrollmentState.NONE
        ? null : Instant.ofEpochMilli(en.lastSubmissionMs).toString());
    ctx.alerts().open(
        Rule.NO_SUBMISSIONS, student, course, st, en, openAt, ev,
        String.format(
            Locale.ROOT, "no submission for %d days while %d assignment%s %s due",
            Math.round((openAt - since) / 86_400_000.0), owed, owed == 1 ? "" : "s",
            owed == 1 ? "was" : "were"));
    return true;
  }
}
