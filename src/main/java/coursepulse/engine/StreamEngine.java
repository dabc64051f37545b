package coursepulse.engine;

import coursepulse.engine.internal.EngineRuntime;
import coursepulse.engine.internal.EngineSettings;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * <p>Lifecycle:
 *
 * <pre>
 * CREATED --start()--&gt; RESTORING --&gt; RUNNING --close()--&gt; PENDING_SHUTDOWN --&gt; STOPPED
 *    |                     |             |                                      ^
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
    /** Loading the checkpoint and opening readers and writers. */
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
          return next == PENDING_SHUTDOWN || next == ERROR;
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

  private final EngineRuntime runtime;

  private StreamEngine(EngineRuntime runtime) {
    this.runtime = runtime;
  }

  /** A builder; {@code applicationId}, {@code topology}, {@code log} and {@code stateDir} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the processing thread; returns at once. Restoring happens on that thread.
   *
   * @throws IllegalStateException when not in state CREATED
   */
  public void start() {
    runtime.start();
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
   * @return true when the engine stopped in time
   */
  public boolean close(Duration timeout) {
    return runtime.close(timeout);
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

    private Builder() {}

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
      if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "applicationId is required and may contain only letters, digits, '.', '_' and '-',"
                + " was '" + applicationId + "'");
      }
      Objects.requireNonNull(topology, "topology is required");
      Objects.requireNonNull(log, "log is required");
      Objects.requireNonNull(stateDir, "stateDir is required");
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
              deserializationExceptionHandler);
      return new StreamEngine(new EngineRuntime(settings, stateListener));
    }

    private static Duration requireNotNegative(Duration d, String what) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be zero or positive, was " + d);
      }
      return d;
    }
  }
}
