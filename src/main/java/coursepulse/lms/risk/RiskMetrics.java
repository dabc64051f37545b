package coursepulse.lms.risk;

import coursepulse.lms.event.StreamNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alerting application's meters, on the Micrometer API only (the CLI picks the registry):
 *
 * <ul>
 *   <li>{@code coursepulse.alerts} (tags {@code rule}, {@code severity})
 *   <li>{@code coursepulse.alerts.resolved} (tag {@code rule})
 *   <li>{@code coursepulse.alerts.open} gauge (tag {@code rule})
 *   <li>{@code coursepulse.students.tracked} gauge
 *   <li>{@code coursepulse.events.processed} (tag {@code stream})
 *   <li>{@code coursepulse.dead.letters} (tags {@code stream}, {@code reason})
 * </ul>
 *
 * Tag values are bounded: never a student id; a {@code course} tag on the alert counters only when
 * {@code courseTag} is set (courses number in the tens or hundreds). Thread-safe.
 */
public final class RiskMetrics {
  private final MeterRegistry registry;
  private final boolean courseTag;
  private final Map<Rule, AtomicLong> open = new EnumMap<>(Rule.class);
  private final AtomicLong studentsTracked = new AtomicLong();
  private final Map<String, Counter> processed = new ConcurrentHashMap<>();

  /**
   * @param registry where meters go; {@code null} for none
   * @param courseTag whether alert counters carry a {@code course} tag (default off)
   */
  public RiskMetrics(MeterRegistry registry, boolean courseTag) {
    this.registry = registry == null ? new CompositeMeterRegistry() : registry;
    this.courseTag = courseTag;
    for (Rule rule : Rule.values()) {
      AtomicLong n = new AtomicLong();
      open.put(rule, n);
      Gauge.builder("coursepulse.alerts.open", n, AtomicLong::get)
          .description("Alerts currently open")
          .tag("rule", rule.name())
          .register(this.registry);
    }
    Gauge.builder("coursepulse.students.tracked", studentsTracked, AtomicLong::get)
        .description("Students with at least one enrolment in the roster")
        .register(this.registry);
    // Counters whose tag values are known up front start at 0 (Prometheus' advice): rate() then
    // sees the first increment, and a dashboard shows 0 rather than "no data".
    for (String stream : StreamNames.INPUTS) {
      processed(stream, 0);
      for (String reason : DeadLetter.REASONS) {
        this.registry.counter("coursepulse.dead.letters", "stream", stream, "reason", reason);
      }
    }
    if (!courseTag) {
      for (Rule rule : Rule.values()) {
        this.registry.counter("coursepulse.alerts.resolved", "rule", rule.name());
        for (Severity severity : Severity.values()) {
          this.registry.counter(
              "coursepulse.alerts", "rule", rule.name(), "severity", severity.code());
        }
      }
    }
  }

  /** Meters nowhere. */
  public static RiskMetrics none() {
    return new RiskMetrics(null, false);
  }

  void raised(Alert alert) {
    Tags tags = Tags.of("rule", alert.rule().name(), "severity", alert.severity().code());
    registry.counter("coursepulse.alerts", withCourse(tags, alert)).increment();
  }

  void resolved(Alert alert) {
    registry
        .counter("coursepulse.alerts.resolved", withCourse(Tags.of("rule", alert.rule().name()), alert))
        .increment();
  }

  void processed(String stream) {
    processed(stream, 1);
  }

  private void processed(String stream, int n) {
    processed
        .computeIfAbsent(
            stream == null ? "unknown" : stream,
            s -> registry.counter("coursepulse.events.processed", "stream", s))
        .increment(n);
  }

  void deadLettered(String stream, String reason) {
    registry
        .counter(
            "coursepulse.dead.letters",
            "stream",
            stream == null ? "unknown" : stream,
            "reason",
            reason)
        .increment();
  }

  void setOpen(Rule rule, long n) {
    open.get(rule).set(n);
  }

  void setStudentsTracked(long n) {
    studentsTracked.set(n);
  }

  /** Alerts of a rule open now, as last reported by the processor. */
  public long open(Rule rule) {
    return open.get(rule).get();
  }

  /** Students tracked now, as last reported by the processor. */
  public long studentsTracked() {
    return studentsTracked.get();
  }

  private Tags withCourse(Tags tags, Alert alert) {
    return courseTag ? tags.and("course", alert.courseId() == null ? "none" : alert.courseId()) : tags;
  }
}
