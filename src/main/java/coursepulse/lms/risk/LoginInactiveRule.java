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
 * start of the first active enrolment. Student-level; resolves on the next login. Its state is the
 * {@code login*} fields of {@link StudentState} ({@code lastLoginMs} is recorded with the login
 * days, by the processor) and one pending check per student, a {@link TimerKeys#LOGIN} timer due
 * at {@code loginTimerAt}, moved rather than added to on each login.
 */
final class LoginInactiveRule implements RiskRule {
  @Override
  public Rule rule() {
    return Rule.LOGIN_INACTIVE;
  }

  @Override
  public void onLogin(
      RosterContext ctx, String student, StudentState st, long t, long lastLoginBefore) {
    if (st.loginOpenedAt != StudentState.NONE) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("reason", "login");
      ev.put("inactiveDays", Alert.days(t - inactiveSince(ctx, lastLoginBefore, st.loginOpenedAt)));
      ctx.alerts().resolve(Rule.LOGIN_INACTIVE, student, null, st, null, t, ev);
    }
    check(ctx, student, st, t);
  }

  @Override
  public void onEnrollmentsChanged(RosterContext ctx, String student, StudentState st, long now) {
    check(ctx, student, st, now);
  }

  @Override
  public boolean onTimer(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      TimerKeys.Timer timer, long now) {
    if (timer.kind() != TimerKeys.LOGIN || st.loginTimerAt != timer.due()) {
      return false; // not ours, or moved by a later login
    }
    st.loginTimerAt = StudentState.NONE;
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
    long next = StudentState.NONE;
    if (rules.enabled(Rule.LOGIN_INACTIVE) && st.activeEnrollments > 0
        && st.loginOpenedAt == StudentState.NONE) {
      List<EnrollmentState> active = new ArrayList<>();
      for (EnrollmentState en : ctx.roster().enrollments(student, st)) {
        if (!en.dropped()) {
          active.add(en);
        }
      }
      long due = due(st, active, Long.MIN_VALUE, loginMs);
      while (due != StudentState.NONE) {
        long openAt = st.loginResolvedAt == StudentState.NONE
            ? due : Math.max(due, st.loginResolvedAt + rules.cooldownMs());
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
    if (next != st.loginTimerAt) {
      if (st.loginTimerAt != StudentState.NONE) {
        ctx.timers().cancel(st.loginTimerAt, TimerKeys.LOGIN, student, null);
      }
      if (next != StudentState.NONE) {
        ctx.timers().schedule(next, TimerKeys.LOGIN, student, null);
      }
      st.loginTimerAt = next;
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
