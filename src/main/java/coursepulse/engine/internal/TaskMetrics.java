package coursepulse.engine.internal;

import coursepulse.engine.PunctuationType;
import coursepulse.engine.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The engine's Micrometer meters. Tags are bounded (source stream, store, punctuation type, drop
 * reason), never keys. Hot counters are plain fields read by function counters, so counting costs
 * the task thread nothing but an increment; without a registry every method is a no-op.
 */
public final class TaskMetrics {

  static final String PREFIX = "coursepulse.engine.";

  /** Event lags above this are a backfill or a simulated term, not lateness: 7 days. */
  static final long MAX_EVENT_LAG_SECONDS = 7 * 86_400L;

  private final MeterRegistry registry;
  private final Tags common;
  private final long[] processed;
  private final long[] deadLettered;
  private final Timer processLatency;
  private final DistributionSummary eventLag;
  private final Counter eventLagOlder;
  private final Counter eventLagAhead;
  private final DistributionSummary appendDelay;
  private final long[] eventTimeAhead;
  private final Map<String, Counter> dropped = new HashMap<>();
  private final Counter streamPunctuations;
  private final Counter wallPunctuations;
  private Timer checkpointDuration;
  private Timer checkpointPause;
  private volatile long lastCheckpointBytes;
  private volatile long recoveries;

  /**
   * @param registry where to register; {@code null} disables metrics
   * @param sources the task's source streams, in source order
   */
  public TaskMetrics(MeterRegistry registry, List<String> sources) {
    this(registry, sources, Tags.empty());
  }

  /**
   * @param registry where to register; {@code null} disables metrics
   * @param sources the task's source streams, in source order
   * @param common tags on every meter, such as the task of a partitioned engine (one process holds
   *     several tasks, whose meters must not collide)
   */
  public TaskMetrics(MeterRegistry registry, List<String> sources, Tags common) {
    this.registry = registry;
    this.common = common;
    this.processed = new long[sources.size()];
    this.deadLettered = new long[sources.size()];
    this.eventTimeAhead = new long[sources.size()];
    if (registry == null) {
      processLatency = null;
      eventLag = null;
      eventLagOlder = null;
      eventLagAhead = null;
      appendDelay = null;
      streamPunctuations = null;
      wallPunctuations = null;
      return;
    }
    for (int i = 0; i < sources.size(); i++) {
      final int idx = i;
      FunctionCounter.builder(PREFIX + "records.processed", processed, a -> a[idx])
          .description("Records processed, per source stream")
          .tag("source", sources.get(i))
          .tags(common).register(registry);
      FunctionCounter.builder(PREFIX + "records.dead.lettered", deadLettered, a -> a[idx])
          .description(
              "Source records sent to the dead-letter stream: unreadable, or event time too far"
                  + " ahead")
          .tag("source", sources.get(i))
          .tags(common).register(registry);
      FunctionCounter.builder(PREFIX + "records.event.time.ahead", eventTimeAhead, a -> a[idx])
          .description(
              "Source records dead-lettered because their event time was too far ahead of the"
                  + " latest event time of their input (they never advance stream time)")
          .tag("source", sources.get(i))
          .tags(common).register(registry);
    }
    FunctionCounter.builder(PREFIX + "recoveries", this, m -> m.recoveries)
        .description("Times the task was rebuilt from its checkpoint after a log failure")
        .tags(common).register(registry);
    // Fixed histogram buckets so Prometheus can compute p99 across scrapes and instances:
    // records take microseconds, a slow one (a checkpoint-sized punctuation) milliseconds.
    processLatency =
        Timer.builder(PREFIX + "process.latency")
            .description(
                "Time to process one source record through the topology: one observation per"
                    + " batch, its mean per record")
            .serviceLevelObjectives(
                micros(5), micros(10), micros(25), micros(50), micros(100), micros(250),
                micros(500), millis(1), millis(2.5), millis(5), millis(10), millis(25),
                millis(100), millis(1000))
            .tags(common).register(registry);
    // Seconds as doubles (a summary, not a Timer): a Timer sums nanoseconds in a long, and the
    // lag of a backfill or of a simulated term (years per record) overflowed it to a negative sum.
    eventLag =
        DistributionSummary.builder(PREFIX + "record.event.lag")
            .description(
                "Engine clock minus the event time of the last record of each processed batch,"
                    + " when it lies in the last 7 days; older and future event times are counted"
                    + " apart")
            .baseUnit("seconds")
            .serviceLevelObjectives(
                1, 5, 30, 60, 300, 900, 3_600, 6 * 3_600, 86_400, MAX_EVENT_LAG_SECONDS)
            .tags(common).register(registry);
    eventLagOlder = eventLagSkipped("older_than_7d");
    eventLagAhead = eventLagSkipped("ahead_of_clock");
    appendDelay =
        DistributionSummary.builder(PREFIX + "record.append.delay")
            .description(
                "Engine clock minus the time the log appended the last record of each processed"
                    + " batch: how long it waited in the stream (a backfill shows the age of the"
                    + " records it re-reads)")
            .baseUnit("seconds")
            .serviceLevelObjectives(
                0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3_600, 86_400, MAX_EVENT_LAG_SECONDS)
            .tags(common).register(registry);
    streamPunctuations = punctuationCounter(PunctuationType.STREAM_TIME);
    wallPunctuations = punctuationCounter(PunctuationType.WALL_CLOCK_TIME);
    // Known at start, so "no late records" is a 0 on the dashboard rather than no series.
    droppedCounter("late");
  }

  private static Duration micros(long n) {
    return Duration.ofNanos(n * 1_000);
  }

  private static Duration millis(double n) {
    return Duration.ofNanos((long) (n * 1_000_000));
  }

  private Counter punctuationCounter(PunctuationType type) {
    return Counter.builder(PREFIX + "punctuations")
        .description("Punctuator calls")
        .tag("type", type.name().toLowerCase(java.util.Locale.ROOT))
        .tags(common).register(registry);
  }

  /** Whether meters are registered. */
  public boolean enabled() {
    return registry != null;
  }

  /** Counts one processed record of {@code source}; timings come per batch. */
  void processed(int source) {
    processed[source]++;
  }

  /**
   * Records the timings of one batch of processed records: one observation per batch, not per
   * record (a timer and two summaries per record cost as much as a light processor). The latency
   * histogram gets the batch's mean time per record, the lag histograms the batch's last record.
   *
   * @param records how many records the batch processed (at least 1)
   * @param nanos how long the batch took
   * @param eventLagMs engine clock minus the last record's event time; recorded only between 0
   *     and 7 days, else counted as skipped (an event time ahead of the clock, or a backfill or
   *     simulated term whose event times are far in the past, says nothing about how late alerts
   *     are)
   * @param appendDelayMs engine clock minus the log's append time of the last record; a negative
   *     value (the log's clock ahead of ours) counts as 0
   */
  void batchProcessed(int records, long nanos, long eventLagMs, long appendDelayMs) {
    if (registry == null || records <= 0) {
      return;
    }
    processLatency.record(nanos / records, TimeUnit.NANOSECONDS);
    if (eventLagMs < 0) {
      eventLagAhead.increment();
    } else if (eventLagMs > MAX_EVENT_LAG_SECONDS * 1_000L) {
      eventLagOlder.increment();
    } else {
      eventLag.record(eventLagMs / 1_000.0);
    }
    appendDelay.record(Math.max(0, appendDelayMs) / 1_000.0);
  }

  private Counter eventLagSkipped(String reason) {
    return Counter.builder(PREFIX + "record.event.lag.skipped")
        .description(
            "Processed records left out of the event-lag histogram: event time more than 7 days"
                + " old, or ahead of the engine clock")
        .tag("reason", reason)
        .tags(common).register(registry);
  }

  /**
   * Registers the gauge of the task's stream time behind the engine clock, in seconds: where the
   * task is in event time, meaningful in a backfill too (falling while it catches up).
   *
   * <p>Never negative: stream time ahead of the clock (a simulated term in the future) shows as
   * 0, "not behind", as a consumer lag does; a negative value (-1108903 in a demo) also fell out of
   * the dashboard's log-scale lag panel. Records ahead of the clock are counted by {@code
   * record.event.lag.skipped{reason=ahead_of_clock}}.
   *
   * @param lagMs engine clock minus stream time in ms, or {@code NaN} before the first record
   */
  public void registerStreamTimeLag(Supplier<Double> lagMs) {
    if (registry != null) {
      // Math.max keeps NaN (no record yet) as NaN
      Gauge.builder(PREFIX + "stream.time.lag", lagMs, l -> Math.max(0.0, l.get() / 1_000.0))
          .description("Engine clock minus the task's stream time (newest event time processed)")
          .baseUnit("seconds")
          .strongReference(true)
          .tags(common).register(registry);
    }
  }

  void deadLettered(int source) {
    deadLettered[source]++;
  }

  void eventTimeAhead(int source) {
    eventTimeAhead[source]++;
  }

  void dropped(String reason) {
    if (registry != null) {
      droppedCounter(reason).increment();
    }
  }

  private Counter droppedCounter(String reason) {
    return dropped.computeIfAbsent(
        reason,
        r ->
            Counter.builder(PREFIX + "records.dropped")
                .description("Records a processor dropped on purpose, such as late records")
                .tag("reason", r)
                .tags(common).register(registry));
  }

  void punctuated(PunctuationType type, int count) {
    if (registry != null && count > 0) {
      (type == PunctuationType.STREAM_TIME ? streamPunctuations : wallPunctuations)
          .increment(count);
    }
  }

  /**
   * Registers an entry-count gauge per store. The gauge looks the store up on every read, because
   * recovering from a log failure replaces the task and its stores.
   */
  public void registerStores(Collection<String> names, Function<String, StateStore> lookup) {
    if (registry == null) {
      return;
    }
    for (String name : names) {
      Gauge.builder(
              PREFIX + "store.entries",
              lookup,
              l -> {
                StateStore s = l.apply(name);
                return s == null ? Double.NaN : (double) s.approximateNumEntries();
              })
          .description("Entries in a state store")
          .strongReference(true)
          .tag("store", name)
          .tags(common).register(registry);
    }
  }

  /** Registers the gauge of records read from a source and waiting in the engine's queue. */
  public void registerBuffered(String stream, Supplier<Number> count) {
    if (registry != null) {
      Gauge.builder(PREFIX + "records.buffered", count, c -> c.get().doubleValue())
          .description("Records read from a source stream and waiting to be processed")
          .strongReference(true)
          .tag("source", stream)
          .tags(common).register(registry);
    }
  }

  /** Counts one rebuild of the task after a log failure. */
  void recoveryStarted() {
    recoveries++;
  }

  /**
   * Registers the input lag gauge of a source: messages in the log not yet processed (Kafka
   * Streams' {@code records-lag}). The supplier asks the log when the gauge is read, -1 when the
   * log cannot answer.
   */
  public void registerInputLag(String stream, Supplier<Number> lag) {
    if (registry != null) {
      Gauge.builder(PREFIX + "input.lag", lag, l -> l.get().doubleValue())
          .description("Messages stored in a source stream that the engine has not processed yet")
          .strongReference(true)
          .tag("source", stream)
          .tags(common).register(registry);
    }
  }

  /**
   * Records how long the task thread stood still for one checkpoint (flushing outputs, taking the
   * stores' changes); the write itself runs on the checkpointer's thread.
   */
  public void checkpointPaused(long nanos) {
    if (registry == null) {
      return;
    }
    if (checkpointPause == null) {
      checkpointPause =
          Timer.builder(PREFIX + "checkpoint.pause")
              .description("Time the task stood still to take a checkpoint")
              .tags(common).register(registry);
    }
    checkpointPause.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records one checkpoint written (on the checkpointer's thread). */
  public void checkpointWritten(long durationNanos, long bytes) {
    if (registry == null) {
      return;
    }
    if (checkpointDuration == null) {
      checkpointDuration =
          Timer.builder(PREFIX + "checkpoint.duration")
              .description("Time to write a checkpoint")
              .tags(common).register(registry);
      Gauge.builder(PREFIX + "checkpoint.size", this, m -> (double) m.lastCheckpointBytes)
          .description("Size of the last checkpoint")
          .baseUnit("bytes")
          .tags(common).register(registry);
    }
    lastCheckpointBytes = bytes;
    checkpointDuration.record(durationNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Removes this task's meters from the registry (a partitioned engine's task that moved to
   * another instance must stop reporting). Only meaningful with non-empty common tags: without
   * them the meters belong to the engine for the life of the process.
   */
  public void close() {
    if (registry == null || !common.iterator().hasNext()) {
      return;
    }
    for (Meter m : List.copyOf(registry.getMeters())) {
      if (m.getId().getName().startsWith(PREFIX) && hasCommonTags(m.getId())) {
        registry.remove(m);
      }
    }
  }

  private boolean hasCommonTags(Meter.Id id) {
    for (Tag t : common) {
      if (!t.getValue().equals(id.getTag(t.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Processed count of a source, for tests. */
  public long processedCount(int source) {
    return processed[source];
  }
}
