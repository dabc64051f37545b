package coursepulse.lms.risk;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@link Rule#MISSED_DEADLINES}: {@code missedDeadlines.consecutive} assignments of a course in a
 * row not handed in by due + grace. Resolves on the next submission in the course. Its state is a
 * {@link State} in the enrolment's record.
 */
final class MissedDeadlinesRule implements RiskRule {
  /** The alert, and the deadlines missed in a row (reset by any submission or a renewal). */
  static final class State extends AlertSlot {
    int streak;

    State(int id) {
      super(id);
    }

    @Override
    boolean isEmpty() {
      return super.isEmpty() && streak == 0;
    }
  }

  static final StateSlot<State> STATE =
      new StateSlot<>(
          Rule.MISSED_DEADLINES, 2, State::new, (s, out) -> out.varlong(s.streak),
          (s, in) -> s.streak = (int) in.varlong());

  @Override
  public Rule rule() {
    return Rule.MISSED_DEADLINES;
  }

  @Override
  public StateSlot<State> state() {
    return STATE;
  }

  /** A renewed enrolment counts its streak afresh. */
  @Override
  public void onEnrollmentActivated(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en) {
    State s = STATE.get(en);
    if (s != null) {
      s.streak = 0;
    }
  }

  @Override
  public void onSubmission(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      String assignmentId, long t) {
    State s = STATE.get(en);
    if (s == null) {
      return;
    }
    s.streak = 0;
    if (s.isOpen()) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("reason", "submission");
      ev.put("assignmentId", assignmentId);
      ctx.alerts().resolve(Rule.MISSED_DEADLINES, student, course, st, en, t, ev);
    }
  }

  @Override
  public void onDeadline(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      Deadline d) {
    RulesConfig rules = ctx.rules();
    if (en.status(d.index(), d.due(), rules.graceMs(), d.now()) != AssignmentStatus.MISSED) {
      return;
    }
    State s = STATE.getOrCreate(en);
    s.streak++;
    int k = rules.missedDeadlines().consecutive();
    long deadline = d.due() + rules.graceMs();
    boolean cooled = s.resolvedAt == State.NONE || deadline >= s.resolvedAt + rules.cooldownMs();
    if (rules.enabled(Rule.MISSED_DEADLINES) && s.streak >= k && !s.isOpen() && cooled) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("consecutiveMissed", (long) s.streak);
      ev.put("threshold", (long) k);
      ev.put("assignmentId", d.assignmentId());
      ev.put("dueAt", Instant.ofEpochMilli(d.due()).toString());
      ev.put("graceHours", Alert.ratio(rules.missedDeadlines().graceHours()));
      ctx.alerts().open(
          Rule.MISSED_DEADLINES, student, course, st, en, deadline, ev,
          s.streak == 1
              ? "missed the last deadline"
              : String.format(Locale.ROOT, "missed the last %d deadlines in a row", s.streak));
    }
  }
}
