package coursepulse.lms.risk;

import java.util.List;
import java.util.Map;

/**
 * The alert lifecycle of the roster rules, whose open/resolved state lives in {@link
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
    Severity severity = Severity.forOpenRules(st.openAlerts);
    if (en != null) {
      en.markOpened(rule, at, severity);
    } else {
      st.markOpened(rule, at, severity);
    }
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
    long openedAt = en != null ? en.opened(rule) : st.opened(rule);
    byte severity = en != null ? en.severity(rule) : st.severity(rule);
    long resolvedAt = Math.max(at, openedAt);
    if (en != null) {
      en.markResolved(rule, resolvedAt);
    } else {
      st.markResolved(rule, resolvedAt);
    }
    st.openAlerts = Math.max(0, st.openAlerts - 1);
    book.resolved(rule, student, course, Severity.values()[severity], openedAt, resolvedAt, evidence);
  }
}
