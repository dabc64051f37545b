package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The alert lifecycle: builds every {@code 04-Alerts} record (deterministic id, severity, score and
 * factors), keeps the open-alert counts for the gauges, and hands the record to the output. For the
 * cohort-aware rules it also owns their slots in {@link StudentCourse}: one open alert per
 * (student, course, rule), and no re-opening within the cooldown after a resolution.
 */
final class AlertBook {
  /** Rules whose open/resolved slots live in {@link StudentCourse}, in slot order. */
  private static final Rule[] SLOTTED = {
    Rule.INACTIVE, Rule.MISSED_WORK, Rule.LOW_GRADES, Rule.RISK_SCORE
  };

  static final int SLOTS = SLOTTED.length;

  /** Where finished records go. */
  interface Sink {
    void alert(Alert alert);
  }

  private final RulesConfig rules;
  private final RiskMetrics metrics;
  private final RiskMetrics.Share share;
  private final KeyValueStore<String, Long> meta;
  private final KeyValueStore<String, StudentState> students;
  private final KeyValueStore<String, StudentCourse> studentCourses;
  private final Sink sink;

  AlertBook(
      RulesConfig rules,
      RiskMetrics metrics,
      RiskMetrics.Share share,
      KeyValueStore<String, Long> meta,
      KeyValueStore<String, StudentState> students,
      KeyValueStore<String, StudentCourse> studentCourses,
      Sink sink) {
    this.rules = rules;
    this.metrics = metrics;
    this.share = share;
    this.meta = meta;
    this.students = students;
    this.studentCourses = studentCourses;
    this.sink = sink;
  }

  static int slot(Rule rule) {
    for (int i = 0; i < SLOTTED.length; i++) {
      if (SLOTTED[i] == rule) {
        return i;
      }
    }
    throw new IllegalArgumentException(rule + " keeps its slot in the roster state");
  }

  static Rule[] slotted() {
    return SLOTTED.clone();
  }

  boolean isOpen(Rule rule, StudentCourse sc) {
    return sc.opened[slot(rule)] != StudentCourse.NONE;
  }

  /** Switched on, not open, and past the cooldown of its last resolution. */
  boolean mayOpen(Rule rule, StudentCourse sc, long at) {
    int i = slot(rule);
    return rules.enabled(rule)
        && sc.opened[i] == StudentCourse.NONE
        && (sc.resolved[i] == StudentCourse.NONE || at >= sc.resolved[i] + rules.cooldownMs());
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
    Severity severity = Severity.forOpenRules(openNow);
    int i = slot(rule);
    sc.opened[i] = at;
    sc.severity[i] = (byte) severity.ordinal();
    opened(rule, student, course, severity, at, evidence, score, factors);
  }

  /** Resolves a cohort-aware rule's open alert; the caller writes {@code sc} back. */
  void resolve(
      Rule rule, String student, String course, StudentCourse sc, long at, Map<String, Object> evidence) {
    int i = slot(rule);
    long openedAt = sc.opened[i];
    if (openedAt == StudentCourse.NONE) {
      return;
    }
    long resolvedAt = Math.max(at, openedAt);
    sc.opened[i] = StudentCourse.NONE;
    sc.resolved[i] = resolvedAt;
    StudentState st = students.get(student);
    if (st != null) {
      st.openAlerts = Math.max(0, st.openAlerts - 1);
      students.put(student, st);
    }
    resolved(rule, student, course, Severity.values()[sc.severity[i]], openedAt, resolvedAt, evidence);
  }

  /** Resolves every open cohort-aware alert of an enrolment (dropped, course ended). */
  void resolveAll(String student, String course, StudentCourse sc, long at, String reason) {
    for (Rule rule : SLOTTED) {
      if (isOpen(rule, sc)) {
        resolve(rule, student, course, sc, at, Map.of("reason", reason));
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
    StudentCourse sc = studentCourses.get(TimerKeys.pair(student, course));
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
