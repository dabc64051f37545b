package coursepulse.lms.risk;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@link Rule#MISSED_DEADLINES}: {@code missedDeadlines.consecutive} assignments of a course in a
 * row not handed in by due + grace. Resolves on the next submission in the course. Its state is
 * {@code consecutiveMissed} and the {@code missed*} fields of {@link EnrollmentState}.
 */
final class MissedDeadlinesRule implements RiskRule {
  @Override
  public Rule rule() {
    return Rule.MISSED_DEADLINES;
  }

  /** A renewed enrolment counts its streak afresh. */
  @Override
  public void onEnrollmentActivated(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en) {
    en.consecutiveMissed = 0;
  }

  @Override
  public void onSubmission(
      RosterContext ctx, String student, String course, StudentState st, EnrollmentState en,
      String assignmentId, long t) {
    en.consecutiveMissed = 0;
    if (en.missedOpenedAt != EnrollmentState.NONE) {
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
    en.consecutiveMissed++;
    int k = rules.missedDeadlines().consecutive();
    long deadline = d.due() + rules.graceMs();
    boolean cooled = en.missedResolvedAt == EnrollmentState.NONE
        || deadline >= en.missedResolvedAt + rules.cooldownMs();
    if (rules.enabled(Rule.MISSED_DEADLINES) && en.consecutiveMissed >= k
        && en.missedOpenedAt == EnrollmentState.NONE && cooled) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("consecutiveMissed", (long) en.consecutiveMissed);
      ev.put("threshold", (long) k);
      ev.put("assignmentId", d.assignmentId());
      ev.put("dueAt", Instant.ofEpochMilli(d.due()).toString());
      ev.put("graceHours", Alert.ratio(rules.missedDeadlines().graceHours()));
      ctx.alerts().open(
          Rule.MISSED_DEADLINES, student, course, st, en, deadline, ev,
          String.format(Locale.ROOT, "missed the last %d deadlines in a row", en.consecutiveMissed));
    }
  }
}
