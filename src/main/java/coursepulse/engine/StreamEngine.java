package coursepulse.engine;

import coursepulse.engine.internal.Checkpoint;
import coursepulse.engine.internal.DeadLetter;
import coursepulse.engine.internal.EngineLifecycle;
import coursepulse.engine.internal.EngineRuntime;
import coursepulse.engine.internal.EngineSettings;
import coursepulse.engine.internal.InstancePresence;
import coursepulse.engine.internal.PartitionedRuntime;
import coursepulse.engine.internal.StateDirLock;
import coursepulse.engine.internal.StateLogBinding;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a {@link Topology} over a {@link StreamLog}: the one entry point of the engine.
 *
 * <pre>{@code
 * try (StreamEngine engine = StreamEngine.builder()
 *     .applicationId("risk")
 *     .topology(topology)
 *     .log(streamLog)
 *     .stateDir(Path.of("/var/lib/coursepulse"))
 *     .build()) {
 *   engine.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>One processing thread reads every source stream, merges records in timestamp order (waiting
 * up to {@code maxTaskIdle} for an input that has nothing buffered and nothing more in the log),
 * processes them through the topology and writes sink records to their streams under the producer
 * name {@code <applicationId>-<stream>} with publishing ids that follow the processing position, so
 * the log drops records re-emitted by a replay. Periodic checkpoints in {@code stateDir} hold every
 * store with the input offsets they reflect; a restart restores the latest valid one and resumes
 * reading there. Unreadable records go to {@code <applicationId>-dlq}.
 *
 * <p>A running engine holds an exclusive lock on its state directory ({@code
 * stateDir/<applicationId>/.lock}, released by the operating system even when the process is
 * killed): a second engine with the same application id and state directory, in this or another
 * process, fails to start, and {@link #cleanUp} refuses while it runs.
 *
 * <p>Lifecycle:
 *
 * <pre>
 * CREATED --start()--&gt; RESTORING --&gt; RUNNING --close()--&gt; PENDING_SHUTDOWN --&gt; STOPPED
 *    |                     |  ^          |                                      ^
 *    |                     |  +-log------+ (log failure: rebuild from the last checkpoint)
 *    +----close()----------|-------------|--------------------------------------+
 *                          +-------------+--failure--&gt; ERROR --close()--&gt; (stays ERROR)
 * </pre>
 *
 * <p>Methods are thread-safe; the state listener runs on the thread that changes the state.
 */
public final class StreamEngine implements AutoCloseable {

  /** The engine's lifecycle states. */
  public enum State {
    /** Built, not started. */
    CREATED,
    /**
     * Loading the checkpoint and opening readers and writers; also while recovering from a log
     * failure (the task is rebuilt from the last checkpoint).
     */
    RESTORING,
    /** Processing. */
    RUNNING,
    /** Closing: final flush, checkpoint and offset store. */
    PENDING_SHUTDOWN,
    /** Failed; {@link #failure()} says why. Terminal. */
    ERROR,
    /** Closed cleanly. Terminal. */
    STOPPED;

    /** Whether the engine may move from this state to {@code next}. */
    public boolean canTransitionTo(State next) {
      switch (this) {
        case CREATED:
          return next == RESTORING || next == PENDING_SHUTDOWN || next == STOPPED;
        case RESTORING:
          return next == RUNNING || next == PENDING_SHUTDOWN || next == ERROR;
        case RUNNING:
          return next == RESTORING || next == PENDING_SHUTDOWN || next == ERROR;
        case PENDING_SHUTDOWN:
          return next == STOPPED || next == ERROR;
        default:
          return false;
      }
    }
  }

  /** Told about every state change. */
  @FunctionalInterface
  public interface StateListener {
    void onChange(State newState, State oldState);
  }

  private final EngineLifecycle runtime;
  // Declares the dead-letter stream at start, on the caller's thread: a task that declared it
  // with its first dead letter did so on its own thread, where the log's retries while a broker
  // node restarts (up to a minute) held the task and every task sharing its thread.
  private final Runnable declareDeadLetters;
  // Announces this instance on the log while it runs (null: not asked for).
  private final java.util.function.Supplier<InstancePresence> announcer;
  private InstancePresence presence;

  private StreamEngine(
      EngineLifecycle runtime,
      Runnable declareDeadLetters,
      java.util.function.Supplier<InstancePresence> announcer) {
    this.runtime = runtime;
    this.declareDeadLetters = declareDeadLetters;
    this.announcer = announcer;
  }

  /**
   * The instances of application {@code applicationId} the log has heard from in the last minutes
   * (those built with {@link Builder#announcePresence}), wherever they run: for tools such as a
   * reset that must not act on a running application. Ages are on the log's clock, so clock skew
   * between machines does not matter; an instance not heard from for {@code timeout} is {@link
   * InstanceSighting.Status#SILENT}, not running.
   *
   * @throws IllegalArgumentException when {@code timeout} is below {@link #MIN_INSTANCE_TIMEOUT}
   * @throws coursepulse.engine.log.LogException when the log cannot be read or written
   */
  public static List<InstanceSighting> instances(
      StreamLog log, String applicationId, Duration timeout) {
    if (timeout.compareTo(MIN_INSTANCE_TIMEOUT) < 0) {
      throw new IllegalArgumentException(
          "an instance timeout of " + timeout + " is shorter than three heartbeats ("
              + MIN_INSTANCE_TIMEOUT + "): running instances would count as gone");
    }
    return InstancePresence.sightings(log, applicationId, timeout);
  }

  /**
   * The shortest {@code timeout} {@link #instances} accepts: three heartbeats. A running instance
   * is heard from every 2 s; a shorter timeout would count it as gone between two heartbeats.
   */
  public static final Duration MIN_INSTANCE_TIMEOUT = InstancePresence.INTERVAL.multipliedBy(3);

  /**
   * Checks an application id as {@link Builder#build} does: letters, digits, '.', '_' and '-'
   * only, so that it names one directory under the state directory and nothing outside it (no
   * {@code ..}, no separator). For tools that act on an application's state without building an
   * engine.
   *
   * @throws IllegalArgumentException naming the id and what it may contain
   */
  public static void requireValidApplicationId(String applicationId) {
    if (applicationId == null
        || !applicationId.matches("[A-Za-z0-9._-]+")
        || applicationId.matches("\\.+")) {
      throw new IllegalArgumentException(
          "applicationId is required and may contain only letters, digits, '.', '_' and '-'"
              + " (and not only dots), was '" + applicationId + "'");
    }
  }

  /**
   * Whether an engine of application {@code applicationId} built with {@link
   * Builder#announcePresence} has ever run on {@code log} (its presence stream exists): for tools
   * that must not take over a live application's id.
   */
  public static boolean hasAnnounced(StreamLog log, String applicationId) {
    return log.streamExists(InstancePresence.streamName(applicationId));
  }

  /** A builder; {@code applicationId}, {@code topology}, {@code log} and {@code stateDir} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Deletes the local state of an application: every checkpoint in {@code
   * stateDir/<applicationId>}, so the next start begins from its {@code startFrom} positions with
   * empty stores (like Kafka Streams' {@code cleanUp()}), and unbinds the directory from the log
   * they came from, so that the next start may be on any log. Offsets stored on the log are left
   * as they are.
   *
   * @return how many checkpoints were deleted
   * @throws IllegalStateException when an engine of this application holds the state directory
   * @throws UncheckedIOException when the directory cannot be read or changed
   */
  public static int cleanUp(Path stateDir, String applicationId) {
    Path dir = stateDir.resolve(applicationId);
    try (StateDirLock lock = StateDirLock.acquire(dir, applicationId)) {
      int deleted = Checkpoint.deleteAll(dir);
      StateLogBinding.forget(dir);
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether an engine (in any process on this host) holds the state directory of {@code
   * applicationId} under {@code stateDir} now.
   *
   * @throws UncheckedIOException when the lock file cannot be opened
   */
  public static boolean isRunning(Path stateDir, String applicationId) {
    try {
      return StateDirLock.isHeld(stateDir.resolve(applicationId));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot check the lock of " + stateDir.resolve(applicationId) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts the processing thread; returns at once. Restoring happens on that thread.
   *
   * @throws IllegalStateException when not in state CREATED, or when another engine holds the
   *     state directory of this application id
   */
  /**
   * The newest checkpoint of each task of an application over partitioned sources, read from the
   * application's checkpoint stream on the log: which instance last held each task, when, and
   * where it resumes. Tasks without a checkpoint are absent.
   *
   * @param taskCount the partition count of the sources
   */
  public static List<TaskStatus> taskStatus(StreamLog log, String applicationId, int taskCount) {
    List<TaskStatus> out = new ArrayList<>();
    for (var e : PartitionedRuntime.newestCheckpoints(log, applicationId, taskCount).entrySet()) {
      out.add(e.getValue());
    }
    return out;
  }

  public void start() {
    declareDeadLetters.run();
    runtime.start();
    if (announcer != null) {
      presence = announcer.get();
    }
  }

  /** The current state. */
  public State state() {
    return runtime.state();
  }

  /** The application id. */
  public String applicationId() {
    return runtime.applicationId();
  }

  /** Why the engine is in state ERROR; empty otherwise. */
  public Optional<Throwable> failure() {
    return runtime.failure();
  }

  /**
   * Waits until the engine is idle: every input read to the end the log had, every buffered record
   * processed and every output confirmed by the log. For tests, demos and batch replays.
   *
   * @return true when idle; false on timeout or when the engine stopped or failed
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return runtime.awaitIdle(timeout);
  }

  /**
   * Stops processing, flushes outputs, writes a final checkpoint, stores each input's position as
   * a named-consumer offset ({@code applicationId}) and closes readers and writers, waiting up to
   * 30 seconds. Idempotent.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /**
   * Like {@link #close()} with a bounded wait.
   *
   * @return true when the engine stopped in time; false when called on one of its own task
   *     threads (from a processor or a state listener), since that task ends only after the call
   *     returns
   */
  public boolean close(Duration timeout) {
    boolean clean = runtime.close(timeout);
    InstancePresence p = presence;
    if (p != null) {
      p.close(); // after the tasks stopped: "stopped" must not come before the last checkpoint
    }
    return clean;
  }

  /** Settings of a {@link StreamEngine}; each setter documents its default. */
  public static final class Builder {
    private String applicationId;
    private Topology topology;
    private StreamLog log;
    private Path stateDir;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meterRegistry;
    private Duration maxTaskIdle = Duration.ZERO;
    private OffsetSpec startFrom = OffsetSpec.first();
    private Duration checkpointInterval = Duration.ofSeconds(30);
    private int maxBufferedRecordsPerSource = 1_000;
    private Duration pollTimeout = Duration.ofMillis(100);
    private DeserializationExceptionHandler deserializationExceptionHandler =
        DeserializationExceptionHandler.logAndContinue();
    private StateListener stateListener = (n, o) -> {};
    private Duration logRecoveryTimeout = Duration.ofMinutes(10);
    private Duration maxEventTimeAhead = Duration.ZERO;
    private Map<String, OffsetSpec> startFromByStream = Map.of();
    private Map<String, Long> stopAt = Map.of();
    private String instanceName = PartitionedRuntime.defaultInstanceName();
    private boolean announcePresence;
    private int taskThreads;
    private Duration taskStopTimeout = Duration.ofSeconds(60);
    private boolean writeDeadLetters = true;

    private Builder() {}

    /**
     * How many threads run the tasks this instance holds over partitioned sources (Kafka Streams'
     * {@code num.stream.threads}): each task runs on one of them at a time, in turn with the other
     * tasks of its thread, and still moves between instances as the log assigns partitions. 0, the
     * default, gives each task a thread of its own (as many threads as partitions held). Ignored
     * for plain sources (one task, one thread).
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder taskThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("taskThreads must be 0 or more, was " + threads);
      }
      this.taskThreads = threads;
      return this;
    }

    /**
     * Whether this instance tells the log that it runs (a heartbeat every few seconds and a
     * "stopped" record on close, in the stream {@code <applicationId>-instances}), so that {@link
     * StreamEngine#instances} sees it from any machine. Default: false.
     */
    public Builder announcePresence(boolean announce) {
      this.announcePresence = announce;
      return this;
    }

    /**
     * The name this process goes by among the instances of its application (partitioned sources
     * only: it is written into the checkpoints it stores, so operators see which instance held a
     * task). Defaults to {@code pid@host}.
     */
    public Builder instanceName(String instanceName) {
      this.instanceName = Objects.requireNonNull(instanceName, "instanceName");
      return this;
    }

    /**
     * Application id: names the named-consumer offsets, producer names, checkpoint directory and
     * dead-letter stream. Required; letters, digits, '.', '_' and '-' only.
     */
    public Builder applicationId(String applicationId) {
      this.applicationId = applicationId;
      return this;
    }

    /** The topology to run. Required. */
    public Builder topology(Topology topology) {
      this.topology = topology;
      return this;
    }

    /** The log holding the source and sink streams. Required; the engine does not close it. */
    public Builder log(StreamLog log) {
      this.log = log;
      return this;
    }

    /** Directory for checkpoints (a sub-directory per application id). Required. */
    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    /** Clock for wall-clock punctuation, idle waits and checkpoint intervals; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Registry for the engine's meters; default none. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /**
     * How long to wait for an input that has nothing buffered and nothing more in the log before
     * processing the other inputs' records without it; default zero. An input known to have more
     * data in the log is always waited for, so replays are deterministic.
     */
    public Builder maxTaskIdle(Duration maxTaskIdle) {
      this.maxTaskIdle = requireNotNegative(maxTaskIdle, "maxTaskIdle");
      return this;
    }

    /** Where to start reading when there is no checkpoint; default {@code first}. */
    public Builder startFrom(OffsetSpec startFrom) {
      this.startFrom = Objects.requireNonNull(startFrom, "startFrom");
      return this;
    }

    /**
     * Where to start reading each listed source stream when there is no checkpoint; streams not
     * listed start at {@link #startFrom(OffsetSpec)}. Default: none listed. Names must be source
     * streams of the topology.
     */
    public Builder startFrom(Map<String, OffsetSpec> perStream) {
      this.startFromByStream = Map.copyOf(Objects.requireNonNull(perStream, "perStream"));
      return this;
    }

    /**
     * Bounds the input: for each listed source stream, the offset at which reading stops
     * (exclusive). Records at or past it are not processed; the source counts as at its end once
     * every offset below it was read, or the log has nothing more. With every source bounded,
     * {@link StreamEngine#awaitIdle} returns once the range is processed, which is how a replay
     * over a fixed range ends. Default: none (read forever). Names must be source streams of the
     * topology; offsets must be zero or positive.
     */
    public Builder stopAt(Map<String, Long> endOffsets) {
      Map<String, Long> copy = new LinkedHashMap<>();
      for (Map.Entry<String, Long> e : endOffsets.entrySet()) {
        if (e.getValue() == null || e.getValue() < 0) {
          throw new IllegalArgumentException(
              "stopAt offset of '" + e.getKey() + "' must be >= 0, was " + e.getValue());
        }
        copy.put(e.getKey(), e.getValue());
      }
      this.stopAt = Map.copyOf(copy);
      return this;
    }

    /** How often to checkpoint; default 30 seconds. */
    public Builder checkpointInterval(Duration checkpointInterval) {
      this.checkpointInterval = requireNotNegative(checkpointInterval, "checkpointInterval");
      return this;
    }

    /** Records buffered per source between the log reader and processing; default 1000. */
    public Builder maxBufferedRecordsPerSource(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxBufferedRecordsPerSource must be >= 1, was " + n);
      }
      this.maxBufferedRecordsPerSource = n;
      return this;
    }

    /** Longest wait for input when every buffer is empty; default 100 ms. */
    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = requireNotNegative(pollTimeout, "pollTimeout");
      return this;
    }

    /** What to do with unreadable input after dead-lettering it; default continue. */
    public Builder deserializationExceptionHandler(DeserializationExceptionHandler handler) {
      this.deserializationExceptionHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * How long to keep trying to recover from a log failure (broker restart, connection loss,
     * refused append) before going to ERROR; default 10 minutes. While recovering the engine is
     * in state RESTORING: it rebuilds its task from the last checkpoint and replays from there,
     * so no output is lost or doubled.
     */
    public Builder logRecoveryTimeout(Duration timeout) {
      this.logRecoveryTimeout = requireNotNegative(timeout, "logRecoveryTimeout");
      return this;
    }

    /**
     * Guards stream time against records dated far in the future: a record whose event time is
     * more than {@code maxAhead} ahead of the largest event time admitted from its own stream (or
     * of the restored stream time) is held back; if the next record of its stream is within the
     * limit, the held one was an outlier and goes to the dead-letter stream (reason {@code
     * event-time-ahead}, meter {@code coursepulse.engine.records.event.time.ahead}, one WARN line)
     * without ever advancing stream time; if the next record is beyond the limit too, time really
     * moved on and it is processed. A stream's last record (its reader at the end of the log) is
     * also processed once the other inputs catch up to within the limit of it; otherwise it stays
     * held until what follows it is seen. The decision depends only on each stream's own
     * sequence, not on how far the readers have read ahead. A quiet spell longer than the limit
     * within one stream only delays its next record until the one after it is read. Default
     * {@link Duration#ZERO}: off.
     */
    public Builder maxEventTimeAhead(Duration maxAhead) {
      this.maxEventTimeAhead = requireNotNegative(maxAhead, "maxEventTimeAhead");
      return this;
    }

    /**
     * Over partitioned sources: how long this instance waits for a task it stopped (a partition
     * revoked, a rejoin after standing still, a shutdown after a failure) to end and release its
     * state directory; default 60 s. A task normally stops in well under a second; one stuck in
     * the log past this limit keeps its partition's state directory locked, so when the partition
     * comes back its new task cannot start, and the instance fails with a message that says so
     * (its partitions then move to the other instances) instead of waiting without end.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder taskStopTimeout(Duration timeout) {
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("taskStopTimeout must be positive, was " + timeout);
      }
      this.taskStopTimeout = timeout;
      return this;
    }

    /**
     * Whether unreadable records (and those the stream-time guard holds back as outliers) are
     * copied to the dead-letter stream {@code <applicationId>-dlq}, declared at start; default
     * true. False: they are only counted ({@code coursepulse.engine.records.dead.lettered}) and
     * the stream is neither declared nor written: for runs that must leave nothing behind, such
     * as a replay or backtest, which would otherwise copy raw input again under an id of its own.
     */
    public Builder writeDeadLetters(boolean write) {
      this.writeDeadLetters = write;
      return this;
    }

    /** Listener for state changes; default none. */
    public Builder stateListener(StateListener listener) {
      this.stateListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Validates the settings and the topology.
     *
     * @throws IllegalArgumentException when a required setting is missing or invalid
     */
    public StreamEngine build() {
      requireValidApplicationId(applicationId);
      Objects.requireNonNull(topology, "topology is required");
      Objects.requireNonNull(log, "log is required");
      Objects.requireNonNull(stateDir, "stateDir is required");
      for (String stream : startFromByStream.keySet()) {
        requireSource(stream, "startFrom");
      }
      for (String stream : stopAt.keySet()) {
        requireSource(stream, "stopAt");
      }
      EngineSettings settings =
          new EngineSettings(
              applicationId,
              topology.graph(),
              log,
              stateDir,
              clock,
              meterRegistry,
              maxTaskIdle,
              startFrom,
              checkpointInterval,
              maxBufferedRecordsPerSource,
              pollTimeout,
              deserializationExceptionHandler,
              logRecoveryTimeout,
              maxEventTimeAhead,
              startFromByStream,
              stopAt,
              taskStopTimeout,
              writeDeadLetters);
      Optional<PartitionedRuntime> partitioned =
          PartitionedRuntime.forPartitionedSources(
              settings, stateListener, instanceName, taskThreads);
      if (partitioned.isPresent() && !stopAt.isEmpty()) {
        throw new IllegalArgumentException(
            "stopAt names offsets, but the sources are partitioned streams with offsets per"
                + " partition; bounded runs over partitioned sources are not supported yet");
      }
      if (partitioned.isPresent()
          && (startFrom instanceof OffsetSpec.Absolute
              || startFromByStream.values().stream().anyMatch(OffsetSpec.Absolute.class::isInstance))) {
        throw new IllegalArgumentException(
            "startFrom names an offset, but the sources are partitioned streams with offsets per"
                + " partition: start from first, last, next or a timestamp");
      }
      String app = applicationId;
      StreamLog theLog = log;
      String name = instanceName;
      return new StreamEngine(
          partitioned.<EngineLifecycle>map(p -> p).orElseGet(() -> new EngineRuntime(settings, stateListener)),
          writeDeadLetters
              ? () -> theLog.createStream(DeadLetter.streamName(app), Retention.unlimited())
              : () -> {},
          announcePresence ? () -> InstancePresence.announce(theLog, app, name) : null);
    }

    private void requireSource(String stream, String setting) {
      if (!topology.graph().sourceStreams().contains(stream)) {
        throw new IllegalArgumentException(
            setting + " names '" + stream + "', which is not a source stream of the topology "
                + topology.graph().sourceStreams());
      }
    }

    private static Duration requireNotNegative(Duration d, String what) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be zero or positive, was " + d);
      }
      return d;
    }
  }
}
