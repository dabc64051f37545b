package coursepulse.lms.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link Rule#LOGIN_INACTIVE}: a student with an active enrolment has not logged in for {@code
 * loginInactive.days}, counted from the last login or, for a student who never logged in, from the
 * start of the first active enrolment. Student-level; resolves on the next login. Its state is a
 * {@link State} in the student's record ({@code lastLoginMs} is recorded with the login days, by
 * the processor) and one pending check per student, a {@link TimerKeys#LOGIN} timer due at {@link
 * State#timerAt}: a login leaves it in place (it can only be early), and when it fires at a time
 * the student is not yet silent for long enough, it is set again for the new due time.
 */
final class LoginInactiveRule implements RiskRule {
  /** The alert, and the due time of the pending check (a firing check is the current one only if equal). */
  static final class State extends AlertSlot {
    long timerAt = NONE;

    State(int id) {
      super(id);
    }

    @Override
    boolean isEmpty() {
      return super.isEmpty() && timerAt == NONE;
    }
  }

  static final StateSlot<State> STATE =
      new StateSlot<>(
          Rule.LOGIN_INACTIVE, 0, State::new, (s, out) -> out.time(s.timerAt),
          (s, in) -> s.timerAt = in.time());

  @Override
  public Rule rule() {
    return Rule.LOGIN_INACTIVE;
  }

  @Override
  public StateSlot<State> state() {
    return STATE;
  }

  @Override
  public void onLogin(
      RosterContext ctx, String student, StudentState st, long t, long lastLoginBefore) {
    State s = STATE.get(st);
    if (s != null && s.isOpen()) {
      long since = inactiveSince(ctx, lastLoginBefore, s.openedAt);
      if (t <= since) {
        // Dated before the silence the alert measured (a login delivered late, a backfill, a
        // wrong clock): it does not show the student back, so it resolves nothing.
        return;
      }
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("reason", "login");
      ev.put("inactiveDays", Alert.days(t - since));
      ctx.alerts().resolve(Rule.LOGIN_INACTIVE, student, null, st, null, t, ev);
    } else if (s != null && s.timerAt != State.NONE) {
      // A login only moves the silence's end later, so the pending check is early, never late:
      // leave it, and let it find the new due time when it fires. One timer per student per
      // threshold period instead of a timer moved (a delete and an insert) on every login.
      return;
    }
    check(ctx, student, st, t);
  }

  @Override
  public void onEnrollmentsChanged(RosterContext ctx, String student, StudentState st, long now) {
    check(ctx, student, st, now);
  }

  @Override
  public boolean keepsTimers(RulesConfig rules) {
    return rules.enabled(Rule.LOGIN_INACTIVE);
  }

  /** A check at the first tick, which opens what is overdue and schedules the next one. */
  @Override
  public void onTurnedOn(RosterContext ctx, String student, StudentState st, long now) {
    if (st.activeEnrollments == 0) {
      return;
    }
    State s = STATE.getOrCreate(st);
    if (s.timerAt != State.NONE) {
      ctx.timers().cancel(s.timerAt, TimerKeys.LOGIN, student, null);
    }
    s.timerAt = now;
    ctx.timers().schedule(now, TimerKeys.LOGIN, student, null);
  }

  @Override
  public boolean onTimer(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      TimerKeys.Timer timer, long now) {
    State s = STATE.get(st);
    if (timer.kind() != TimerKeys.LOGIN || s == null || s.timerAt != timer.due()) {
      return false; // not ours, or moved by a later login
    }
    s.timerAt = State.NONE;
    check(ctx, student, st, now);
    return true;
  }

  /** The start of the silence an open alert measured. */
  private static long inactiveSince(RosterContext ctx, long lastLoginBefore, long openedAt) {
    return lastLoginBefore == StudentState.NONE
        ? openedAt - ctx.rules().loginInactiveMs()
        : lastLoginBefore;
  }

  /**
   * Opens the alert when due, else (re)schedules the one pending check of this student; with no
   * active enrolment (or the rule off, or the alert open) there is none, and a pending one is
   * cancelled.
   */
  private static void check(RosterContext ctx, String student, StudentState st, long now) {
    RulesConfig rules = ctx.rules();
    long loginMs = rules.loginInactiveMs();
    State s = STATE.get(st);
    long resolvedAt = s == null ? State.NONE : s.resolvedAt;
    long timerAt = s == null ? State.NONE : s.timerAt;
    long next = StudentState.NONE;
    if (rules.enabled(Rule.LOGIN_INACTIVE) && st.activeEnrollments > 0
        && (s == null || !s.isOpen())) {
      List<EnrollmentState> active = new ArrayList<>();
      for (EnrollmentState en : ctx.roster().enrollments(student, st)) {
        if (!en.dropped()) {
          active.add(en);
        }
      }
      long due = due(st, active, Long.MIN_VALUE, loginMs);
      while (due != StudentState.NONE) {
        long openAt = resolvedAt == State.NONE
            ? due : Math.max(due, resolvedAt + rules.cooldownMs());
        if (!activeAt(active, openAt)) {
          due = due(st, active, openAt, loginMs);
          continue;
        }
        if (openAt > now) {
          next = openAt;
        } else {
          Map<String, Object> ev = new LinkedHashMap<>();
          long since = openAt - (due - loginMs);
          ev.put("inactiveDays", Alert.days(since));
          ev.put("thresholdDays", Alert.ratio(rules.loginInactive().days()));
          ev.put("lastLoginAt", st.lastLoginMs == StudentState.NONE
              ? null : Instant.ofEpochMilli(st.lastLoginMs).toString());
          ctx.alerts().open(
              Rule.LOGIN_INACTIVE, student, null, st, null, openAt, ev,
              String.format(Locale.ROOT, "no login for %d days", Math.round(since / 86_400_000.0)));
        }
        break;
      }
    }
    if (next != timerAt) {
      if (timerAt != State.NONE) {
        ctx.timers().cancel(timerAt, TimerKeys.LOGIN, student, null);
      }
      if (next != State.NONE) {
        ctx.timers().schedule(next, TimerKeys.LOGIN, student, null);
      }
      STATE.getOrCreate(st).timerAt = next;
    }
  }

  /**
   * When the student will have been silent for the threshold, counting from the last login or the
   * start of an active enrolment, considering only enrolments starting after {@code after}.
   */
  private static long due(StudentState st, List<EnrollmentState> active, long after, long loginMs) {
    long start = Long.MAX_VALUE;
    for (EnrollmentState en : active) {
      if (en.courseEnd > after && en.activeFrom < start
          && (after == Long.MIN_VALUE || en.activeFrom > after - loginMs)) {
        start = en.activeFrom;
      }
    }
    if (start == Long.MAX_VALUE) {
      return StudentState.NONE;
    }
    long due = Math.max(st.lastLoginMs, start) + loginMs;
    return due > after ? due : StudentState.NONE;
  }

  private static boolean activeAt(List<EnrollmentState> active, long t) {
    for (EnrollmentState en : active) {
      if (en.activeAt(t)) {
        return true;
      }
    }
    return false;
  }
}
