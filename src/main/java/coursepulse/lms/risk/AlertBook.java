package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The alert lifecycle: builds every {@code 04-Alerts} record (deterministic id, severity, score and
 * factors), keeps the open-alert counts for the gauges, and hands the record to the output. For the
 * cohort-aware rules it also keeps the alert lifecycle in each rule's {@link StateSlot} of {@link
 * StudentCourse}: one open alert per (student, course, rule), and no re-opening within the
 * cooldown after a resolution.
 */
final class AlertBook {
  /** Where finished records go. */
  interface Sink {
    void alert(Alert alert);
  }

  private final RulesConfig rules;
  private final RiskMetrics metrics;
  private final RiskMetrics.Share share;
  private final KeyValueStore<String, Long> meta;
  private final KeyValueStore<String, StudentState> students;
  private final Roster roster;
  private final Sink sink;
  private final int enabledRules;

  AlertBook(
      RulesConfig rules,
      RiskMetrics metrics,
      RiskMetrics.Share share,
      KeyValueStore<String, Long> meta,
      KeyValueStore<String, StudentState> students,
      Roster roster,
      Sink sink) {
    this.rules = rules;
    this.metrics = metrics;
    this.share = share;
    this.meta = meta;
    this.students = students;
    this.roster = roster;
    this.sink = sink;
    int on = 0;
    for (Rule r : Rule.values()) {
      on += rules.enabled(r) ? 1 : 0;
    }
    this.enabledRules = on;
  }

  /** The severity of an alert opening while the student has {@code openAlerts} open, itself included. */
  Severity severity(int openAlerts) {
    return Severity.forOpenAlerts(openAlerts, enabledRules);
  }

  boolean isOpen(Rule rule, StudentCourse sc) {
    AlertSlot a = StateSlot.of(rule).get(sc);
    return a != null && a.isOpen();
  }

  /** Switched on, not open, and past the cooldown of its last resolution. */
  boolean mayOpen(Rule rule, StudentCourse sc, long at) {
    AlertSlot a = StateSlot.of(rule).get(sc);
    return rules.enabled(rule)
        && (a == null
            || (!a.isOpen()
                && (a.resolvedAt == AlertSlot.NONE || at >= a.resolvedAt + rules.cooldownMs())));
  }

  /**
   * Opens a cohort-aware rule's alert. The caller writes {@code sc} back; the student's open count
   * (severity) is read and written here.
   */
  void open(
      Rule rule,
      String student,
      String course,
      StudentCourse sc,
      long at,
      Map<String, Object> evidence,
      Double score,
      List<String> factors) {
    StudentState st = students.get(student);
    int openNow = 1;
    if (st != null) {
      st.openAlerts++;
      openNow = st.openAlerts;
      students.put(student, st);
    }
    Severity severity = severity(openNow);
    StateSlot.of(rule).getOrCreate(sc).markOpened(at, severity);
    opened(rule, student, course, severity, at, evidence, score, factors);
  }

  /** Resolves a cohort-aware rule's open alert; the caller writes {@code sc} back. */
  void resolve(
      Rule rule, String student, String course, StudentCourse sc, long at, Map<String, Object> evidence) {
    AlertSlot a = StateSlot.of(rule).get(sc);
    if (a == null || !a.isOpen()) {
      return;
    }
    long openedAt = a.openedAt;
    long resolvedAt = Math.max(at, openedAt);
    a.markResolved(resolvedAt);
    StudentState st = students.get(student);
    if (st != null) {
      st.openAlerts = Math.max(0, st.openAlerts - 1);
      students.put(student, st);
    }
    resolved(rule, student, course, Severity.values()[a.severity], openedAt, resolvedAt, evidence);
  }

  /**
   * Resolves every open cohort-aware alert of an enrolment (dropped, course ended), in slot order.
   */
  void resolveAll(String student, String course, StudentCourse sc, long at, String reason) {
    for (AlertSlot a : sc.slots()) {
      if (a.isOpen()) {
        resolve(StateSlot.byId(a.id).rule(), student, course, sc, at, Map.of("reason", reason));
      }
    }
  }

  /** Emits an opening decided elsewhere (the original rules keep their own slots). */
  void opened(
      Rule rule,
      String student,
      String course,
      Severity severity,
      long at,
      Map<String, Object> evidence,
      Double score,
      List<String> factors) {
    Alert alert =
        new Alert(
            Alert.Type.OPENED,
            Alert.idOf(rule, student, course, at),
            rule,
            severity,
            student,
            course,
            Instant.ofEpochMilli(at),
            null,
            evidence,
            rules.version(),
            score == null ? lastScore(student, course) : score,
            factors);
    setOpen(rule, count(openKey(rule)) + 1);
    metrics.raised(alert);
    sink.alert(alert);
  }

  /** Emits a resolution decided elsewhere. */
  void resolved(
      Rule rule,
      String student,
      String course,
      Severity severity,
      long openedAt,
      long resolvedAt,
      Map<String, Object> evidence) {
    Alert alert =
        new Alert(
            Alert.Type.RESOLVED,
            Alert.idOf(rule, student, course, openedAt),
            rule,
            severity,
            student,
            course,
            Instant.ofEpochMilli(openedAt),
            Instant.ofEpochMilli(resolvedAt),
            evidence,
            rules.version(),
            lastScore(student, course),
            List.of());
    setOpen(rule, count(openKey(rule)) - 1);
    metrics.resolved(alert);
    sink.alert(alert);
  }

  /** The score last computed for the student-course, if any: alerts of every rule carry it. */
  private Double lastScore(String student, String course) {
    if (course == null) {
      return null;
    }
    StudentCourse sc = roster.signalsIfEnrolled(student, course);
    return sc == null || sc.lastScoreE4 < 0 ? null : sc.lastScoreE4 / 10_000.0;
  }

  static String openKey(Rule rule) {
    return "open." + rule.name();
  }

  long count(String key) {
    Long v = meta.get(key);
    return v == null ? 0 : v;
  }

  private void setOpen(Rule rule, long n) {
    meta.put(openKey(rule), n);
    share.setOpen(rule, n);
  }
}
