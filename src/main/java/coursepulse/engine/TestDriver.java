package coursepulse.engine;

import coursepulse.engine.internal.DeadLetter;
import coursepulse.engine.internal.RecordCollector;
import coursepulse.engine.internal.StreamTask;
import coursepulse.engine.internal.TaskMetrics;
import coursepulse.engine.internal.TopologyGraph;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link Topology} synchronously, without a log or threads, for tests, like Kafka Streams'
 * {@code TopologyTestDriver}. Records piped into an input stream are processed before the pipe
 * call returns, in pipe order (one task, so the timestamp-ordered merge never waits); stream time
 * advances with their event times and fires stream-time punctuators. Wall-clock time moves only
 * through {@link #advanceWallClockTime}. Unreadable input goes to the dead-letter stream {@code
 * <applicationId>-dlq}, readable with {@link #createOutputStream} and processing continues (unless
 * the configured handler answers FAIL: then the pipe call throws {@link IllegalStateException}). A
 * record written to a stream that is also a source is fed back into that source.
 *
 * <pre>{@code
 * try (TestDriver driver = new TestDriver(topology)) {
 *   TestInputStream<String> in = driver.createInputStream("words", Serdes.String());
 *   TestOutputStream<String, Long> out = driver.createOutputStream("counts", Serdes.Long());
 *   in.pipe("hello", 1_000L);
 *   assertThat(out.readValuesToList()).containsExactly(1L);
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class TestDriver implements AutoCloseable {

  /** Application id used when none is configured. */
  public static final String DEFAULT_APPLICATION_ID = "test-driver";

  private final String applicationId;
  private final StreamTask task;
  private final Map<String, ArrayDeque<Captured>> outputs = new HashMap<>();
  private final Map<String, Long> nextOffsets = new HashMap<>();
  private long wallClockMs;
  private boolean closed;

  /** A driver with application id {@value #DEFAULT_APPLICATION_ID}, wall clock at the epoch. */
  public TestDriver(Topology topology) {
    this(builder(topology));
  }

  /** A driver whose wall clock starts at {@code initialWallClockTime}. */
  public TestDriver(Topology topology, Instant initialWallClockTime) {
    this(builder(topology).initialWallClockTime(initialWallClockTime));
  }

  private TestDriver(Builder b) {
    TopologyGraph graph = b.topology.graph();
    this.applicationId = b.applicationId;
    this.wallClockMs = b.initialWallClockTime.toEpochMilli();
    this.task =
        new StreamTask(
            graph,
            applicationId,
            () -> wallClockMs,
            new Collector(),
            b.deserializationExceptionHandler,
            new TaskMetrics(b.meterRegistry, graph.sourceStreams()));
    task.init();
  }

  /** A builder for a driver with non-default settings. */
  public static Builder builder(Topology topology) {
    return new Builder(topology);
  }

  /** The application id (names the dead-letter stream). */
  public String applicationId() {
    return applicationId;
  }

  /** The name of the dead-letter stream: {@code <applicationId>-dlq}. */
  public String deadLetterStream() {
    return DeadLetter.streamName(applicationId);
  }

  /**
   * An input for {@code stream}.
   *
   * @throws IllegalArgumentException when no source reads {@code stream}
   */
  public <V> TestInputStream<V> createInputStream(String stream, Serde<V> serde) {
    checkOpen();
    sourceIndex(stream);
    return new TestInputStream<>(this, stream, Objects.requireNonNull(serde, "serde"));
  }

  /** An output reading what sinks write to {@code stream} (or the dead-letter stream). */
  public <K, V> TestOutputStream<K, V> createOutputStream(String stream, Serde<V> serde) {
    checkOpen();
    return new TestOutputStream<>(this, stream, Objects.requireNonNull(serde, "serde"));
  }

  /** Moves the wall clock forward and fires due wall-clock punctuators. */
  public void advanceWallClockTime(Duration d) {
    checkOpen();
    if (d.isNegative()) {
      throw new IllegalArgumentException("cannot move the wall clock backwards: " + d);
    }
    wallClockMs += d.toMillis();
    task.maybePunctuateWallClock(wallClockMs);
  }

  /** The wall-clock time in epoch milliseconds. */
  public long wallClockTimeMs() {
    return wallClockMs;
  }

  /** The task's stream time, -1 before any record. */
  public long streamTimeMs() {
    return task.streamTime();
  }

  /**
   * A key-value store of the topology.
   *
   * @throws IllegalArgumentException when there is no such store or it is not a key-value store
   */
  @SuppressWarnings("unchecked")
  public <K, V> KeyValueStore<K, V> getKeyValueStore(String name) {
    StateStore s = getStateStore(name);
    if (!(s instanceof KeyValueStore)) {
      throw new IllegalArgumentException("store '" + name + "' is not a key-value store");
    }
    return (KeyValueStore<K, V>) s;
  }

  /**
   * The timer queue named {@code name}.
   *
   * @throws IllegalArgumentException when there is none of that name
   */
  @SuppressWarnings("unchecked")
  public <T> TimerQueue<T> getTimerQueue(String name) {
    StateStore s = getStateStore(name);
    if (!(s instanceof TimerQueue)) {
      throw new IllegalArgumentException("store '" + name + "' is not a timer queue");
    }
    return (TimerQueue<T>) s;
  }

  /**
   * A window store of the topology.
   *
   * @throws IllegalArgumentException when there is no such store or it is not a window store
   */
  @SuppressWarnings("unchecked")
  public <K, V> WindowStore<K, V> getWindowStore(String name) {
    StateStore s = getStateStore(name);
    if (!(s instanceof WindowStore)) {
      throw new IllegalArgumentException("store '" + name + "' is not a window store");
    }
    return (WindowStore<K, V>) s;
  }

  /**
   * Any store of the topology.
   *
   * @throws IllegalArgumentException when there is no such store
   */
  public StateStore getStateStore(String name) {
    StateStore s = task.stores().get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "no store named '" + name + "' (stores: " + task.stores().keySet() + ")");
    }
    return s;
  }

  /** Closes every processor. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      task.close();
    }
  }

  void pipe(String stream, byte[] body, long timestampMs) {
    checkOpen();
    int idx = sourceIndex(stream);
    enqueue(idx, stream, body, timestampMs);
    while (task.process()) {
      // drain: includes records fed back from sinks into sources
    }
  }

  private void enqueue(int idx, String stream, byte[] body, long timestampMs) {
    long offset = nextOffsets.merge(stream, 1L, Long::sum) - 1;
    try {
      task.addRecord(idx, offset, timestampMs, body);
    } catch (StreamTask.DeserializationFailedException e) {
      throw new IllegalStateException(e.getMessage(), e.getCause());
    }
  }

  Captured poll(String stream) {
    ArrayDeque<Captured> q = outputs.get(stream);
    return q == null ? null : q.poll();
  }

  int waiting(String stream) {
    ArrayDeque<Captured> q = outputs.get(stream);
    return q == null ? 0 : q.size();
  }

  private int sourceIndex(String stream) {
    int idx = task.sourceIndex(stream);
    if (idx < 0) {
      StringBuilder known = new StringBuilder();
      for (int i = 0; i < task.sourceCount(); i++) {
        known.append(i == 0 ? "" : ", ").append(task.sourceStream(i));
      }
      throw new IllegalArgumentException(
          "no source reads stream '" + stream + "' (source streams: " + known + ")");
    }
    return idx;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("test driver is closed");
    }
  }

  record Captured(Object key, byte[] value, long timestamp) {}

  private final class Collector implements RecordCollector {
    @Override
    public void send(String stream, Object key, byte[] value, long timestamp) {
      outputs.computeIfAbsent(stream, s -> new ArrayDeque<>())
          .add(new Captured(key, value, timestamp));
      int idx = task.sourceIndex(stream);
      if (idx >= 0) {
        enqueue(idx, stream, value, timestamp);
      }
    }

    @Override
    public void sendDeadLetter(String sourceStream, long offset, byte[] deadLetter, long ts) {
      outputs.computeIfAbsent(deadLetterStream(), s -> new ArrayDeque<>())
          .add(new Captured(null, deadLetter, ts));
    }
  }

  /** Settings of a {@link TestDriver}; each setter documents its default. */
  public static final class Builder {
    private final Topology topology;
    private String applicationId = DEFAULT_APPLICATION_ID;
    private Instant initialWallClockTime = Instant.EPOCH;
    private DeserializationExceptionHandler deserializationExceptionHandler =
        DeserializationExceptionHandler.logAndContinue();
    private MeterRegistry meterRegistry;

    private Builder(Topology topology) {
      this.topology = Objects.requireNonNull(topology, "topology");
    }

    /** Application id; default {@value TestDriver#DEFAULT_APPLICATION_ID}. */
    public Builder applicationId(String applicationId) {
      this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
      return this;
    }

    /** Start of the wall clock; default the epoch. */
    public Builder initialWallClockTime(Instant t) {
      this.initialWallClockTime = Objects.requireNonNull(t, "initialWallClockTime");
      return this;
    }

    /** What to do with unreadable input; default dead-letter and continue. */
    public Builder deserializationExceptionHandler(DeserializationExceptionHandler h) {
      this.deserializationExceptionHandler = Objects.requireNonNull(h, "handler");
      return this;
    }

    /** Registry for the engine's meters; default none (no metrics). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Builds and initializes the driver (every processor's {@code init} runs here).
     *
     * @throws IllegalArgumentException when the topology is invalid
     */
    public TestDriver build() {
      return new TestDriver(this);
    }
  }
}
