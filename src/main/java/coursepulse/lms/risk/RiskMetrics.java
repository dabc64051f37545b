package coursepulse.lms.risk;

import coursepulse.lms.event.StreamNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

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
 *   <li>{@code coursepulse.risk.score} distribution of the scores sent to {@code 05-Risk}
 * </ul>
 *
 * Tag values are bounded: never a student id; a {@code course} tag on the alert counters only when
 * {@code courseTag} is set (courses number in the tens or hundreds). Thread-safe.
 */
public final class RiskMetrics {
  private final MeterRegistry registry;
  private final boolean courseTag;
  // One share per processor instance: a partitioned engine runs one per task in this process,
  // and the gauges report the sum.
  private final Set<Share> shares = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> processed = new ConcurrentHashMap<>();
  private final io.micrometer.core.instrument.DistributionSummary scoreSummary;

  /**
   * @param registry where meters go; {@code null} for none
   * @param courseTag whether alert counters carry a {@code course} tag (default off)
   */
  public RiskMetrics(MeterRegistry registry, boolean courseTag) {
    this.registry = registry == null ? new CompositeMeterRegistry() : registry;
    this.courseTag = courseTag;
    for (Rule rule : Rule.values()) {
      Gauge.builder("coursepulse.alerts.open", this, m -> m.open(rule))
          .description("Alerts currently open")
          .tag("rule", rule.name())
          .register(this.registry);
    }
    scoreSummary =
        // In percent: Micrometer's fixed-bucket histograms count a value at its ceiling, so bounds
        // under 1 would count no score of (0, 1] below the last one.
        io.micrometer.core.instrument.DistributionSummary.builder("coursepulse.risk.score")
            .description("Risk scores sent to 05-Risk, in percent")
            .baseUnit("percent")
            .serviceLevelObjectives(10, 20, 30, 40, 50, 60, 70, 80, 90)
            .register(this.registry);
    Gauge.builder("coursepulse.students.tracked", this, RiskMetrics::studentsTracked)
        .description("Students with at least one enrolment in the roster")
        .register(this.registry);
    // Counters whose tag values are known up front start at 0 (Prometheus' advice): rate() then
    // sees the first increment, and a dashboard shows 0 rather than "no data".
    for (String stream : StreamNames.INPUTS) {
      processed(stream, 0);
      for (String reason : DeadLetter.REASONS) {
        deadLetters(Tags.of("stream", stream, "reason", reason));
      }
    }
    if (!courseTag) {
      for (Rule rule : Rule.values()) {
        alertsResolved(Tags.of("rule", rule.name()));
        for (Severity severity : Severity.values()) {
          alertsOpened(Tags.of("rule", rule.name(), "severity", severity.code()));
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
    alertsOpened(withCourse(tags, alert)).increment();
  }

  void resolved(Alert alert) {
    alertsResolved(withCourse(Tags.of("rule", alert.rule().name()), alert)).increment();
  }

  /** One risk score sent to 05-Risk: a distribution over all student-courses, no per-student tag. */
  void scored(double score) {
    scoreSummary.record(score * 100);
  }

  void processed(String stream) {
    processed(stream, 1);
  }

  private void processed(String stream, int n) {
    processed
        .computeIfAbsent(
            stream == null ? "unknown" : stream,
            s ->
                Counter.builder("coursepulse.events.processed")
                    .description("Input events processed, by stream")
                    .tag("stream", s)
                    .register(registry))
        .increment(n);
  }

  void deadLettered(String stream, String reason) {
    deadLetters(Tags.of("stream", stream == null ? "unknown" : stream, "reason", reason)).increment();
  }

  // Every meter with its HELP text, whichever registration comes first (promtool checks it).

  private Counter alertsOpened(Tags tags) {
    return Counter.builder("coursepulse.alerts")
        .description("Alerts opened, by rule and severity")
        .tags(tags)
        .register(registry);
  }

  private Counter alertsResolved(Tags tags) {
    return Counter.builder("coursepulse.alerts.resolved")
        .description("Alerts resolved, by rule")
        .tags(tags)
        .register(registry);
  }

  private Counter deadLetters(Tags tags) {
    return Counter.builder("coursepulse.dead.letters")
        .description("Input messages dead-lettered instead of processed, by stream and reason")
        .tags(tags)
        .register(registry);
  }

  /** A new processor's share of the gauges; give it back with {@link #leave}. */
  Share join() {
    Share share = new Share();
    shares.add(share);
    return share;
  }

  /** Removes a closed processor's share (its task moved to another instance or stopped). */
  void leave(Share share) {
    shares.remove(share);
  }

  /** What one processor (one task) reports: its open alerts per rule and its tracked students. */
  static final class Share {
    private final AtomicLongArray open = new AtomicLongArray(Rule.values().length);
    private volatile long studentsTracked;

    void setOpen(Rule rule, long n) {
      open.set(rule.ordinal(), n);
    }

    void setStudentsTracked(long n) {
      studentsTracked = n;
    }
  }

  /** Alerts of a rule open now, summed over the processors of this process. */
  public long open(Rule rule) {
    long n = 0;
    for (Share s : shares) {
      n += s.open.get(rule.ordinal());
    }
    return n;
  }

  /** Students tracked now, summed over the processors of this process. */
  public long studentsTracked() {
    long n = 0;
    for (Share s : shares) {
      n += s.studentsTracked;
    }
    return n;
  }

  private Tags withCourse(Tags tags, Alert alert) {
    return courseTag ? tags.and("course", alert.courseId() == null ? "none" : alert.courseId()) : tags;
  }
}
