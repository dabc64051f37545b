package coursepulse.engine.internal;

import coursepulse.engine.PunctuationType;
import coursepulse.engine.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The engine's Micrometer meters. Tags are bounded (source stream, store, punctuation type, drop
 * reason), never keys. Hot counters are plain fields read by function counters, so counting costs
 * the task thread nothing but an increment; without a registry every method is a no-op.
 */
public final class TaskMetrics {

  static final String PREFIX = "coursepulse.engine.";

  private final MeterRegistry registry;
  private final long[] processed;
  private final long[] deadLettered;
  private final Timer processLatency;
  private final DistributionSummary e2eLag;
  private final Map<String, Counter> dropped = new HashMap<>();
  private final Counter streamPunctuations;
  private final Counter wallPunctuations;
  private Timer checkpointDuration;
  private volatile long lastCheckpointBytes;

  /**
   * @param registry where to register; {@code null} disables metrics
   * @param sources the task's source streams, in source order
   */
  public TaskMetrics(MeterRegistry registry, List<String> sources) {
    this.registry = registry;
    this.processed = new long[sources.size()];
    this.deadLettered = new long[sources.size()];
    if (registry == null) {
      processLatency = null;
      e2eLag = null;
      streamPunctuations = null;
      wallPunctuations = null;
      return;
    }
    for (int i = 0; i < sources.size(); i++) {
      final int idx = i;
      FunctionCounter.builder(PREFIX + "records.processed", processed, a -> a[idx])
          .description("Records processed, per source stream")
          .tag("source", sources.get(i))
          .register(registry);
      FunctionCounter.builder(PREFIX + "records.dead.lettered", deadLettered, a -> a[idx])
          .description("Source records sent to the dead-letter stream because they were unreadable")
          .tag("source", sources.get(i))
          .register(registry);
    }
    processLatency =
        Timer.builder(PREFIX + "process.latency")
            .description("Time to process one source record through the topology")
            .register(registry);
    e2eLag =
        DistributionSummary.builder(PREFIX + "record.e2e.lag")
            .description("Engine clock minus the event time of each processed record")
            .baseUnit("milliseconds")
            .register(registry);
    streamPunctuations = punctuationCounter(PunctuationType.STREAM_TIME);
    wallPunctuations = punctuationCounter(PunctuationType.WALL_CLOCK_TIME);
  }

  private Counter punctuationCounter(PunctuationType type) {
    return Counter.builder(PREFIX + "punctuations")
        .description("Punctuator calls")
        .tag("type", type.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry);
  }

  /** Whether meters are registered. */
  public boolean enabled() {
    return registry != null;
  }

  void processed(int source, long latencyNanos, long e2eLagMs) {
    processed[source]++;
    if (registry != null) {
      processLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
      e2eLag.record(Math.max(0, e2eLagMs));
    }
  }

  void deadLettered(int source) {
    deadLettered[source]++;
  }

  void dropped(String reason) {
    if (registry != null) {
      dropped
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder(PREFIX + "records.dropped")
                      .description("Records a processor dropped on purpose, such as late records")
                      .tag("reason", r)
                      .register(registry))
          .increment();
    }
  }

  void punctuated(PunctuationType type, int count) {
    if (registry != null && count > 0) {
      (type == PunctuationType.STREAM_TIME ? streamPunctuations : wallPunctuations)
          .increment(count);
    }
  }

  /** Registers an entry-count gauge per store. */
  public void registerStores(Collection<StateStore> stores) {
    if (registry == null) {
      return;
    }
    for (StateStore s : stores) {
      Gauge.builder(PREFIX + "store.entries", s, st -> (double) st.approximateNumEntries())
          .description("Entries in a state store")
          .tag("store", s.name())
          .register(registry);
    }
  }

  /** Registers the input lag gauge of a source: messages in the log not yet processed. */
  public void registerInputLag(String stream, Supplier<Number> lag) {
    if (registry != null) {
      Gauge.builder(PREFIX + "input.lag", lag, l -> l.get().doubleValue())
          .description("Messages stored in a source stream that the engine has not processed yet")
          .tag("source", stream)
          .register(registry);
    }
  }

  /** Records one checkpoint. */
  public void checkpointWritten(long durationNanos, long bytes) {
    if (registry == null) {
      return;
    }
    if (checkpointDuration == null) {
      checkpointDuration =
          Timer.builder(PREFIX + "checkpoint.duration")
              .description("Time to write a checkpoint")
              .register(registry);
      Gauge.builder(PREFIX + "checkpoint.size", this, m -> (double) m.lastCheckpointBytes)
          .description("Size of the last checkpoint")
          .baseUnit("bytes")
          .register(registry);
    }
    lastCheckpointBytes = bytes;
    checkpointDuration.record(durationNanos, TimeUnit.NANOSECONDS);
  }

  /** Processed count of a source, for tests. */
  public long processedCount(int source) {
    return processed[source];
  }
}
