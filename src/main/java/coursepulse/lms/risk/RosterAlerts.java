package coursepulse.lms.risk;

import java.util.List;
import java.util.Map;

/**
 * The alert lifecycle of the roster rules, kept in each rule's {@link StateSlot} of {@link
 * StudentState} (per-student rules, {@code en == null}) or {@link EnrollmentState} (per-course
 * rules). Keeps the student's count of open alerts, which sets the severity of the next one.
 */
final class RosterAlerts {
  private final AlertBook book;

  RosterAlerts(AlertBook book) {
    this.book = book;
  }

  void open(
      Rule rule,
      String student,
      String course,
      StudentState st,
      EnrollmentState en,
      long at,
      Map<String, Object> evidence,
      String reason) {
    st.openAlerts++;
    Severity severity = book.severity(st.openAlerts);
    StateSlot.of(rule).getOrCreate(en != null ? en : st).markOpened(at, severity);
    // the rule's own reason in plain words is the alert's factor (these rules are not the model's)
    book.opened(rule, student, course, severity, at, evidence, null, List.of(reason));
  }

  void resolve(
      Rule rule,
      String student,
      String course,
      StudentState st,
      EnrollmentState en,
      long at,
      Map<String, Object> evidence) {
    AlertSlot a = StateSlot.of(rule).get(en != null ? en : st);
    long openedAt = a.openedAt;
    byte severity = a.severity;
    long resolvedAt = Math.max(at, openedAt);
    a.markResolved(resolvedAt);
    st.openAlerts = Math.max(0, st.openAlerts - 1);
    book.resolved(rule, student, course, Severity.values()[severity], openedAt, resolvedAt, evidence);
  }

  /**
   * Resolves every open alert kept in the enrolment ({@code en}) or, with {@code en} null, in the
   * student's own record, in slot order: the enrolment was dropped or its course ended, or the
   * student has no active enrolment left.
   */
  void resolveAll(
      String student, String course, StudentState st, EnrollmentState en, long at, String reason) {
    for (AlertSlot a : (en != null ? en : st).slots()) {
      if (a.isOpen()) {
        resolve(
            StateSlot.byId(a.id).rule(), student, course, st, en, at, Map.of("reason", reason));
      }
    }
  }
}
