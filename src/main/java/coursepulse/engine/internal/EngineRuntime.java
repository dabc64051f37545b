package coursepulse.engine.internal;

import coursepulse.engine.StateStore;
import coursepulse.engine.StreamEngine.State;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime behind {@code StreamEngine}: one thread that restores the latest checkpoint, reads
 * every source into the task's queues (bounded per source), processes in timestamp order, writes
 * sinks with deterministic publishing ids, checkpoints periodically and on close.
 *
 * <p>Output guarantee: sink records of stream {@code s} are written under producer name {@code
 * <applicationId>-<s>} with publishing ids 1, 2, 3... in processing order; the next id is part of
 * each checkpoint. Outputs are flushed before a checkpoint is written, so a checkpoint never
 * claims outputs the log has not stored. After a crash the engine restores the checkpoint, re-reads
 * inputs from its offsets and, processing deterministically, re-emits the same records with the
 * same ids: the log drops those it already had. Dead letters use producer {@code
 * <applicationId>-dlq-<source>} with publishing id {@code offset + 1}, deterministic too.
 */
public final class EngineRuntime implements EngineLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(EngineRuntime.class);
  private static final int MAX_RECORDS_PER_LOOP = 1_000;
  private static final long NOT_AT_END = Long.MIN_VALUE;
  private static final long MIN_RECOVERY_BACKOFF_MS = 100;
  private static final long MAX_RECOVERY_BACKOFF_MS = 2_000;

  private final EngineSettings settings;
  private final TaskPlacement placement;
  private final Checkpointer checkpointer;
  // The application id, with the task of a partitioned engine: for logs and the thread name.
  private final String name;
  private final Object lock = new Object();
  private final TaskMetrics metrics;
  private final EngineState state;
  private volatile Throwable failure;
  private volatile boolean stopRequested;
  private volatile boolean fenced;
  private long idleEpoch;
  private Thread thread;
  // The threads that run this task in turn with others; null: a thread of its own.
  private final TaskThreads taskThreads;
  // Counted down once the task has ended and released what it held (close waits for it).
  private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
  // Owned by the processing thread: whether restore() has run for the current start.
  private boolean restored;

  // Owned by the processing thread.
  private StreamTask task;
  private LogReader[] readers;
  // Per source: takes a message drained from its reader into the task (see runOnce).
  private Consumer<LogMessage>[] intake;
  private boolean fetchedInPass;
  // Per source: the read position at which a timed poll came back empty while the log's last
  // offset was below that position (the input is at its end there), else NOT_AT_END.
  private long[] endConfirmedAt;
  // Per source: the log's last offset at the first empty poll of the current quiet spell (when it
  // was at or past the read position), and when that spell began (System.nanoTime), else -1.
  private long[] quietEnd;
  private long[] quietSince;
  // Per source: the offset of the last message taken from the reader, -1 before any; guards the
  // task against messages a recovering subscription delivers twice or skips.
  private long[] lastRead;
  private boolean[] readSinceSubscribe;
  // Read by meter gauges on other threads.
  private final AtomicLongArray position;
  private final AtomicLongArray buffered;
  private volatile long publishedStreamTime = -1;
  private final TaskOutputs outputs;
  private long lastCheckpointAt;
  private long idleSince = -1;
  // Per source: the exclusive end offset from the builder's stopAt, else Long.MAX_VALUE.
  private long[] stopAt;
  // Per source: whether every offset below stopAt has been read (or the reader went past it).
  private boolean[] stopReached;
  private StateDirLock stateDirLock;
  private final TaskLease lease;

  /** How long one empty input is polled before the others are looked at again. */
  private static final long SLICE_NANOS = 500_000L;

  /**
   * The same while nothing at all is buffered: no record waits for an answer, so a message on
   * another input may wait this long to be seen, and an idle engine wakes 100 times a second
   * instead of 2,000.
   */
  private static final long IDLE_SLICE_NANOS = 10_000_000L;

  /**
   * The longest wait of an idle engine between two looks at the log (stats of inputs that cannot
   * tell their end, the idle notification): the wait doubles from {@code pollTimeout / inputs} per
   * idle pass up to this, so an idle engine asks the broker a few times a second, not 30.
   */
  private static final long MAX_IDLE_WINDOW_NANOS = 250_000_000L;

  // The current wait of waitForInput while nothing is buffered (see MAX_IDLE_WINDOW_NANOS).
  private long idleWindowNanos;
  // On shared task threads a wait spans several passes (one slice each): the deadline of the
  // window in progress (System.nanoTime) and its length, else waitDeadline is 0 with waitWindow 0.
  private long waitDeadline;
  private long waitWindow;
  // Whether the last waitForInput returned before the end of its window to let other tasks run.
  private boolean waitYielded;

  public EngineRuntime(EngineSettings settings, StreamEngine.StateListener listener) {
    this(settings, TaskPlacement.whole(), null, Tags.empty(), listener, null, null);
  }

  /**
   * @param placement which share of the sources this task reads
   * @param checkpoints where checkpoints live; null: files in the task's state directory
   * @param metricTags tags on every meter of this task (the task of a partitioned engine)
   * @param leaseIntact asked before every output, dead letter and checkpoint: false fences the
   *     task (it stops at once, writing nothing more, no final checkpoint); null: never fenced
   * @param taskThreads the threads that run this task in turn with others; null: a thread of its
   *     own
   */
  EngineRuntime(
      EngineSettings settings,
      TaskPlacement placement,
      CheckpointStore checkpoints,
      Tags metricTags,
      StreamEngine.StateListener listener,
      BooleanSupplier leaseIntact,
      TaskThreads taskThreads) {
    this.settings = settings;
    this.taskThreads = taskThreads;
    this.lease = new TaskLease(leaseIntact);
    this.placement = placement;
    this.name = placement.describe(settings.applicationId());
    this.state = new EngineState(lock, name, listener, LOG);
    this.outputs = new TaskOutputs(settings, placement, lease, LOG);
    this.metrics =
        new TaskMetrics(settings.meterRegistry(), settings.graph().sourceStreams(), metricTags);
    this.checkpointer =
        new Checkpointer(
            checkpoints != null
                ? checkpoints
                : new LocalCheckpointStore(
                    placement.stateDir(settings.stateDir(), settings.applicationId())),
            name, settings.applicationId(), settings.log(), placement::streamOf, metrics,
            leaseIntact);
    List<String> sources = settings.graph().sourceStreams();
    this.position = new AtomicLongArray(sources.size());
    this.buffered = new AtomicLongArray(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      position.set(i, -1);
      final int idx = i;
      metrics.registerInputLag(sources.get(i), () -> inputLag(idx));
      metrics.registerBuffered(sources.get(i), () -> buffered.get(idx));
    }
    metrics.registerStreamTimeLag(
        () -> {
          long t = publishedStreamTime;
          return t < 0 ? Double.NaN : (double) (settings.clock().millis() - t);
        });
    metrics.registerStores(
        settings.graph().stores().stream().map(d -> d.builder().name()).toList(), this::store);
  }

  @Override
  public String applicationId() {
    return settings.applicationId();
  }

  @Override
  public State state() {
    return state.get();
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (state.get() != State.CREATED) {
        throw new IllegalStateException("engine can start only once, from CREATED; it is " + state.get());
      }
      try {
        stateDirLock = StateDirLock.acquire(checkpointDir(), settings.applicationId());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(
            "cannot lock the state directory " + checkpointDir() + ": " + e.getMessage(), e);
      }
      state.transition(State.RESTORING);
      if (taskThreads != null) {
        taskThreads.run(this);
        return;
      }
      thread = new Thread(this::run, "coursepulse-engine-" + name.replace(' ', '-'));
      thread.setDaemon(false);
      thread.start();
    }
  }

  @Override
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return awaitIdle(idleTarget(), System.nanoTime() + timeout.toNanos());
  }

  /**
   * What {@link #awaitIdle(long, long)} waits for when asked now: two idle observations from now
   * on, so that the second loop pass started after the question.
   */
  long idleTarget() {
    synchronized (lock) {
      return idleEpoch + 2;
    }
  }

  /**
   * Waits until the loop has been idle {@code target} times in all (see {@link #idleTarget}), up
   * to {@code deadline} ({@link System#nanoTime}). Several tasks asked first and waited on after
   * wait together, not one after the other.
   */
  boolean awaitIdle(long target, long deadline) throws InterruptedException {
    synchronized (lock) {
      while (idleEpoch < target) {
        if (state.get() == State.ERROR || state.get() == State.STOPPED) {
          return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  @Override
  public boolean close(Duration timeout) {
    Thread t;
    synchronized (lock) {
      if (state.get() == State.CREATED) {
        state.transition(State.PENDING_SHUTDOWN);
        state.transition(State.STOPPED);
        return true;
      }
      if (state.get() == State.RESTORING || state.get() == State.RUNNING) {
        state.transition(State.PENDING_SHUTDOWN);
      }
      stopRequested = true;
      lock.notifyAll();
      t = thread;
    }
    if (taskThreads != null) {
      if (taskThreads.isTaskThread()) {
        return true; // it ends at this thread's next pass over it
      }
      try {
        return ended.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    if (t == null || t == Thread.currentThread()) {
      return true;
    }
    try {
      t.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  private void run() {
    try {
      while (step()) {
        // one pass after the other on a thread of its own
      }
    } finally {
      release();
    }
  }

  /** Releases the state directory, meters and checkpoint store once the task has ended. */
  void release() {
    try {
      stateDirLock.close();
      checkpointer.close();
      metrics.close();
    } finally {
      ended.countDown();
    }
  }

  /**
   * One pass of the task: the restore, one round of reading and processing ({@link #runOnce}),
   * or, once asked to stop, the shutdown with its final checkpoint. A log failure in a round
   * (connection lost for good, refused append, flush timeout, a subscription that skipped
   * messages) does not end the engine: it throws the task away and rebuilds it from the last
   * checkpoint, retrying until {@code logRecoveryTimeout}. Replaying from the checkpoint re-emits
   * outputs with their original publishing ids, so the log keeps each output once whichever of
   * them it had stored before the failure.
   *
   * @return false once the task has ended (stopped, fenced or failed); then call {@link #release}
   */
  boolean step() {
    try {
      if (!restored) {
        restored = true;
        restore();
        synchronized (lock) {
          if (!stopRequested) {
            state.transition(State.RUNNING);
          }
        }
        return true;
      }
      if (!stopRequested) {
        try {
          runOnce();
        } catch (LogException e) {
          // After a pause the broker has closed this instance's connections: a task that lost its
          // lease stops fenced, not failed, and is not rebuilt here.
          lease.check();
          if (stopRequested) {
            throw e;
          }
          recover(e);
        }
        return true;
      }
      shutdown();
      state.transition(State.STOPPED);
      return false;
    } catch (TaskLease.LostException lost) {
      // Not a failure of this task: another instance may be running it now. Whatever this one
      // did since its last checkpoint is redone there, with the same publishing ids.
      LOG.warn(
          "engine {}: fenced: this instance may have lost the task while it stood still; stopped"
              + " without writing anything more (no final checkpoint)", name);
      this.fenced = true;
      discardTask();
      synchronized (lock) {
        if (state.get() == State.RESTORING || state.get() == State.RUNNING) {
          state.transition(State.PENDING_SHUTDOWN);
        }
        state.transition(State.STOPPED);
      }
    } catch (Throwable t) {
      String node = task == null ? null : task.currentNode();
      LOG.error(
          "engine {} failed{}: {}", name,
          node == null ? "" : " in node '" + node + "'", t.toString(), t);
      failure = t;
      state.fail();
      closeQuietly(true);
    }
    return false;
  }

  private Path checkpointDir() {
    return placement.stateDir(settings.stateDir(), settings.applicationId());
  }

  /**
   * Builds a fresh task from the latest checkpoint (or from {@code startFrom} without one) and
   * opens readers and writers. Used at start and again to recover from a log failure, so it
   * assumes nothing of an earlier task.
   */
  @SuppressWarnings("unchecked") // the array of per-source intakes
  private void restore() throws IOException {
    StreamLog log = settings.log();
    TopologyGraph graph = settings.graph();
    task =
        new StreamTask(
            graph, settings.applicationId(), settings.clock()::millis, outputs,
            settings.deserializationHandler(), metrics);
    if (!settings.maxEventTimeAhead().isZero()) {
      task.guardStreamTime(settings.maxEventTimeAhead());
    }

    Checkpoint cp = checkpointer.restore(task);
    if (cp == null) {
      LOG.info(
          "engine {}: no usable checkpoint in {}, starting from '{}'", name,
          checkpointDir(), settings.startFrom());
    } else {
      task.restoreStreamTime(cp.streamTime());
    }
    task.init();
    if (cp != null) {
      task.restoreStreamTimeSchedule(cp.streamTimeSchedule());
    }
    publishedStreamTime = task.streamTime(); // the gauge tells where a restored task stands

    int n = task.sourceCount();
    readers = new LogReader[n];
    intake = new Consumer[n];
    endConfirmedAt = new long[n];
    quietEnd = new long[n];
    quietSince = new long[n];
    lastRead = new long[n];
    readSinceSubscribe = new boolean[n];
    stopAt = new long[n];
    stopReached = new boolean[n];
    for (int i = 0; i < n; i++) {
      String stream = task.sourceStream(i);
      Long next = cp == null ? null : cp.nextOffsets().get(stream);
      OffsetSpec from = settings.startFrom(stream);
      stopAt[i] = settings.stopAt().getOrDefault(stream, Long.MAX_VALUE);
      long startOffset = from instanceof OffsetSpec.Absolute a ? a.offset() : -1;
      lastRead[i] = -1;
      if (next != null && next >= 0) {
        from = OffsetSpec.offset(next);
        task.setReadPosition(i, next);
        lastRead[i] = next - 1;
        startOffset = next;
      }
      stopReached[i] = startOffset >= stopAt[i];
      endConfirmedAt[i] = NOT_AT_END;
      quietSince[i] = -1;
      position.set(i, task.nextOffset(i));
      buffered.set(i, 0);
      LOG.info("engine {}: reading '{}' from {}", name, placement.streamOf(stream), from);
      readers[i] = log.reader(placement.streamOf(stream), from);
      readers[i].decodeOnArrival(task.decoder(i));
      final int source = i;
      intake[i] = m -> fetchedInPass |= accept(source, m);
    }
    outputs.open(cp == null ? Map.of() : cp.nextPublishingIds());
    lastCheckpointAt = settings.clock().millis();
    idleSince = -1;
  }

  private StateStore store(String name) {
    StreamTask t = task;
    return t == null ? null : t.stores().get(name);
  }

  private long inputLag(int i) {
    long next = position.get(i);
    try {
      Optional<StreamStats> stats =
          settings.log().stats(placement.streamOf(settings.graph().sourceStreams().get(i)));
      if (stats.isEmpty()) {
        return 0;
      }
      // Before anything was read the whole retained stream is ahead (for a start from 'first').
      long from = next < 0 ? stats.get().firstOffset() : next;
      return Math.max(0, stats.get().lastOffset() + 1 - from);
    } catch (RuntimeException e) {
      LOG.debug("input lag of source {} unavailable: {}", i, e.toString());
      return -1;
    }
  }

  private void runOnce() throws IOException {
    int n = readers.length;
    int capacity = settings.maxBufferedRecordsPerSource();
    fetchedInPass = false;
    for (int i = 0; i < n; i++) {
      // What the reader received so far, in one hand-off (a chunk's worth on RabbitMQ), not one
      // locked queue operation per message.
      if (!stopReached[i] && task.buffered(i) < capacity) {
        readers[i].drain(capacity - task.buffered(i), intake[i]);
      }
    }
    boolean fetched = fetchedInPass;
    if (fetched) {
      idleWindowNanos = 0;
      publishPositions();
    }
    int processed = 0;
    long batchStart = metrics.enabled() ? System.nanoTime() : 0L;
    while (processed < MAX_RECORDS_PER_LOOP && mayProcess()) {
      task.process();
      processed++;
    }
    long now = settings.clock().millis();
    if (fetched || processed > 0) {
      waitWindow = 0; // a wait carried over on a shared thread is over: input came or went
    }
    if (processed > 0 && metrics.enabled()) {
      metrics.batchProcessed(
          processed, System.nanoTime() - batchStart, now - task.lastProcessedEventTime(),
          now - task.lastProcessedLogTime());
    }
    publishPositions();
    task.maybePunctuateWallClock(now);
    if (!settings.checkpointInterval().isZero()
        && now - lastCheckpointAt >= settings.checkpointInterval().toMillis()) {
      checkpoint();
    }
    if (processed == 0 && !fetched && !waitForInput() && !waitYielded && !task.anyBuffered()
        && allAtEnd()) {
      outputs.flush();
      synchronized (lock) {
        idleEpoch++;
        lock.notifyAll();
      }
    }
  }

  /**
   * Hands a message to the task unless a recovering subscription delivered it before.
   *
   * @return whether the task took it
   */
  private boolean accept(int i, LogMessage m) {
    long offset = m.offset();
    if (offset >= stopAt[i]) {
      // Chunks arrive whole: the rest of the last chunk in range is not for this run.
      stopReached[i] = true;
      return false;
    }
    long last = lastRead[i];
    if (last >= 0 && offset <= last) {
      return false;
    }
    if (last >= 0 && offset > last + 1) {
      if (readSinceSubscribe[i]) {
        // Not a failure: offsets of a log need not be contiguous. On RabbitMQ, every stored
        // consumer offset (this engine stores one per source after each checkpoint) is an entry
        // of the stream that takes an offset and is never delivered, so live traffic read past
        // it shows a gap. Treating gaps as failures made the engine rebuild from its checkpoint
        // and hit the same gap again, forever (found by BrokerRestartDuringRunIT).
        LOG.debug(
            "engine {}: '{}' continues at offset {} after {} (offsets without messages)",
            name, task.sourceStream(i), offset, last);
        lastRead[i] = offset;
        endConfirmedAt[i] = NOT_AT_END;
        quietSince[i] = -1;
        task.addRecord(i, offset, m.timestamp(), m.body(), m.decoded());
        return true;
      }
      warnIfRetentionGap(i, offset, last + 1);
    }
    lastRead[i] = offset;
    readSinceSubscribe[i] = true;
    endConfirmedAt[i] = NOT_AT_END;
    quietSince[i] = -1;
    task.addRecord(i, offset, m.timestamp(), m.body(), m.decoded());
    if (offset + 1 >= stopAt[i]) {
      stopReached[i] = true;
    }
    return true;
  }

  /**
   * The first message after subscribing may lie beyond the requested offset for two reasons:
   * retention removed older data (those records are gone for every reader: warn), or the offsets
   * in between are entries without messages, such as stored consumer offsets (normal after every
   * restart: debug). Only the stream's first offset tells them apart.
   */
  private void warnIfRetentionGap(int i, long offset, long expected) {
    String stream = task.sourceStream(i);
    long first;
    try {
      first = settings.log().stats(stream).map(StreamStats::firstOffset).orElse(-1L);
    } catch (RuntimeException e) {
      first = -1;
    }
    if (first > expected) {
      LOG.warn(
          "engine {}: '{}' resumes at offset {} instead of {}: messages before offset {} were"
              + " removed by retention and are not processed",
          name, stream, offset, expected, first);
    } else {
      LOG.debug(
          "engine {}: '{}' resumes at offset {} after {} (offsets without messages)",
          name, stream, offset, expected - 1);
    }
  }

  private void publishPositions() {
    for (int i = 0; i < readers.length; i++) {
      position.lazySet(i, task.nextOffset(i));
      buffered.lazySet(i, task.buffered(i));
    }
    publishedStreamTime = task.streamTime();
  }

  /** Whether the next record may be processed now, given empty inputs and maxTaskIdle. */
  private boolean mayProcess() {
    if (task.allBuffered()) {
      idleSince = -1;
      return true;
    }
    if (!task.anyBuffered()) {
      return false;
    }
    boolean waitingForOpenInput = false;
    for (int i = 0; i < readers.length; i++) {
      if (task.buffered(i) == 0 && !atEnd(i)) {
        // The record this input needs may be in the log already: wait for it, for determinism.
        return false;
      }
      waitingForOpenInput |= task.buffered(i) == 0 && !stopReached[i];
    }
    if (!waitingForOpenInput) {
      return true; // the empty inputs have read their whole range: nothing to wait for
    }
    long now = settings.clock().millis();
    if (idleSince < 0) {
      idleSince = now;
    }
    return now - idleSince >= settings.maxTaskIdle().toMillis();
  }

  /**
   * Whether source {@code i} (with an empty queue) is known to have nothing more in the log: from
   * what its reader already knows ({@link LogReader#catchup}), or, for a reader that cannot tell,
   * from the last {@link #waitForInput} that asked the log.
   */
  private boolean atEnd(int i) {
    if (stopReached[i]) {
      return true;
    }
    LogReader.Catchup known = readers[i].catchup();
    if (known != LogReader.Catchup.UNKNOWN) {
      return known == LogReader.Catchup.CAUGHT_UP;
    }
    return endConfirmedAt[i] != NOT_AT_END && endConfirmedAt[i] == task.nextOffset(i);
  }

  /**
   * Polls each empty input with a timeout; when none delivers, checks which of them are at the end
   * of their stream.
   *
   * <p>An input is at its end when a timed poll came back empty <em>and</em> the log's last offset
   * is below the read position. On RabbitMQ 3.11 to 3.13 the reported last offset is the first
   * offset of the newest chunk, which is below the true end; but a reader past that offset has
   * received that whole chunk (the broker delivers chunks whole), and the timed poll gave the
   * client time to hand its remaining messages over. So the rule holds for exact and for
   * chunk-start last offsets. Only readers that cannot tell by themselves ({@link
   * LogReader.Catchup#UNKNOWN}) need this question; the others are never asked about, and the wait
   * ends early when they show that records already buffered may be processed.
   *
   * @return true when a message arrived
   */
  private boolean waitForInput() {
    waitYielded = false;
    boolean anyEmpty = false;
    for (int i = 0; i < readers.length; i++) {
      anyEmpty |= task.buffered(i) == 0 && !stopReached[i];
    }
    if (!anyEmpty || stopRequested) {
      return false;
    }
    // Every empty input is watched for the same window at once (not one after the other), so a
    // message on any of them ends the wait within a slice: a sparse input no longer holds up a
    // busy one for a whole timeout.
    long baseWindowNanos =
        Math.max(1, settings.pollTimeout().toMillis() / readers.length) * 1_000_000L;
    boolean idle = !task.anyBuffered();
    long slice = idle ? IDLE_SLICE_NANOS : SLICE_NANOS;
    long windowNanos;
    long deadline;
    if (waitWindow > 0) {
      windowNanos = waitWindow; // the window a shared thread's earlier pass began
      deadline = waitDeadline;
    } else {
      windowNanos = idle ? Math.max(baseWindowNanos, idleWindowNanos) : baseWindowNanos;
      deadline = System.nanoTime() + windowNanos;
    }
    waitWindow = 0;
    // On a shared thread one pass waits one slice, then lets the thread's other tasks run; the
    // window (and the end decision at its end) carries over to the next pass.
    long passEnd = taskThreads == null ? Long.MAX_VALUE : System.nanoTime() + slice;
    long remaining = deadline - System.nanoTime();
    while (remaining > 0 && !stopRequested) {
      int firstEmpty = -1;
      for (int i = 0; i < readers.length; i++) {
        if (task.buffered(i) == 0 && !stopReached[i]) {
          LogMessage m = readers[i].poll(Duration.ZERO);
          if (m != null) {
            arrivedAfterWait(i, m, windowNanos > baseWindowNanos);
            return true;
          }
          if (firstEmpty < 0) {
            firstEmpty = i;
          }
        }
      }
      LogMessage m = readers[firstEmpty].poll(Duration.ofNanos(Math.min(remaining, slice)));
      if (m != null) {
        arrivedAfterWait(firstEmpty, m, windowNanos > baseWindowNanos);
        return true;
      }
      if (task.anyBuffered() && mayProcess()) {
        return false; // the empty inputs' readers now know they are caught up
      }
      long now = System.nanoTime();
      remaining = deadline - now;
      if (remaining > 0 && now - passEnd >= 0) {
        waitWindow = windowNanos;
        waitDeadline = deadline;
        waitYielded = true;
        return false;
      }
    }
    if (stopRequested) {
      return false;
    }
    for (int i = 0; i < readers.length; i++) {
      if (task.buffered(i) == 0 && readers[i].catchup() == LogReader.Catchup.UNKNOWN) {
        endConfirmedAt[i] = lastOffsetBelowPosition(i) ? task.nextOffset(i) : NOT_AT_END;
      }
    }
    if (idle) {
      idleWindowNanos = Math.min(MAX_IDLE_WINDOW_NANOS, Math.max(baseWindowNanos, windowNanos) * 2);
    }
    return false;
  }

  /**
   * Takes a message that ended a wait. After a long idle wait the other inputs' end
   * confirmations are as old as that wait: they are dropped, so the merge asks again (one short
   * wait) before it lets this record go ahead of them, as it would have after a short one.
   */
  private void arrivedAfterWait(int source, LogMessage m, boolean longWait) {
    idleWindowNanos = 0;
    if (longWait) {
      for (int i = 0; i < readers.length; i++) {
        if (i != source) {
          endConfirmedAt[i] = NOT_AT_END;
        }
      }
    }
    accept(source, m);
  }

  private boolean lastOffsetBelowPosition(int i) {
    Optional<StreamStats> stats = settings.log().stats(placement.streamOf(task.sourceStream(i)));
    if (stats.isEmpty()) {
      return true;
    }
    long last = stats.get().lastOffset();
    long next = task.nextOffset(i);
    if (next >= 0) {
      return last < next || onlyUndeliverableEntriesLeft(i, last);
    }
    // Nothing read since a start without checkpoint.
    OffsetSpec from = settings.startFrom(task.sourceStream(i));
    if (from instanceof OffsetSpec.First) {
      return false; // the stream holds messages, all ahead of us
    }
    if (from instanceof OffsetSpec.Absolute a) {
      return last < a.offset();
    }
    return true; // next, last, timestamp: the empty timed poll is all we can go by
  }

  /**
   * Whether the offsets from the read position up to the log's last offset hold nothing a reader
   * is ever given. On RabbitMQ every stored consumer offset (this engine stores one per source
   * after each checkpoint) takes an offset of the stream without being delivered, and RabbitMQ 3.11
   * and newer report it as the last offset: an input whose last message was followed by a
   * checkpoint would otherwise never be at its end, and the task would wait for it forever (found
   * with partitioned inputs on RabbitMQ 4.0). The reader holds credit at the read position, so a
   * stored message up to that offset would arrive promptly: when none arrived for {@link
   * #QUIET_FOR_END} while the last offset stayed the same, the rest is such entries.
   */
  private boolean onlyUndeliverableEntriesLeft(int i, long last) {
    long now = System.nanoTime(); // a liveness decision, not an event-time one
    if (quietSince[i] < 0 || quietEnd[i] != last) {
      quietEnd[i] = last;
      quietSince[i] = now;
      return false;
    }
    return now - quietSince[i] >= QUIET_FOR_END.toNanos();
  }

  /** How long an input must stay silent below an unchanged last offset to count as ended. */
  private static final Duration QUIET_FOR_END = Duration.ofSeconds(1);

  private boolean allAtEnd() {
    for (int i = 0; i < readers.length; i++) {
      if (!atEnd(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rebuilds the task from the last checkpoint after a log failure, retrying with backoff while
   * the log is unreachable.
   *
   * @throws LogException when the log stays unusable for {@code logRecoveryTimeout}
   */
  private void recover(LogException cause) throws IOException {
    long startNanos = System.nanoTime();
    long deadline = startNanos + settings.logRecoveryTimeout().toNanos();
    LOG.warn(
        "engine {}: log failure, rebuilding the task from the last checkpoint: {}",
        name, cause.getMessage());
    state.transition(State.RESTORING);
    metrics.recoveryStarted();
    long backoffMs = MIN_RECOVERY_BACKOFF_MS;
    LogException last = cause;
    while (!stopRequested) {
      discardTask();
      try {
        restore();
        synchronized (lock) {
          if (!stopRequested) {
            state.transition(State.RUNNING);
          }
        }
        LOG.warn(
            "engine {}: recovered from the log failure in {} ms", name,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return;
      } catch (LogException e) {
        last = e;
        if (System.nanoTime() - deadline > 0) {
          last.addSuppressed(cause);
          throw last;
        }
        LOG.info(
            "engine {}: log still unusable ({}), retrying in {} ms", name,
            e.getMessage(), backoffMs);
        synchronized (lock) {
          if (!stopRequested) {
            try {
              lock.wait(backoffMs);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              throw last;
            }
          }
        }
        backoffMs = Math.min(backoffMs * 2, MAX_RECOVERY_BACKOFF_MS);
      }
    }
    throw last; // asked to stop while the log was down: no checkpoint can be trusted now
  }

  /** Drops the task, its readers and writers, without a checkpoint (its state is suspect). */
  private void discardTask() {
    if (task != null) {
      try {
        task.close();
      } catch (RuntimeException e) {
        LOG.debug("closing processors of a discarded task failed", e);
      }
    }
    closeQuietly(true);
    readers = new LogReader[0];
  }

  /** Whether the task stopped because it was fenced ({@link TaskLease#check}). */
  boolean fenced() {
    return fenced;
  }

  /**
   * Takes a checkpoint unless the previous one is still being written (then the next loop pass
   * asks again); the task stands still only to flush outputs and take the stores' changes, the
   * write runs on the checkpointer's thread ({@link Checkpointer}).
   */
  private void checkpoint() throws IOException {
    if (checkpointer.busy()) {
      return;
    }
    long start = System.nanoTime();
    // Before the flush too: it sends what is still buffered, and after a pause it would wait on
    // connections the broker closed meanwhile.
    lease.check();
    outputs.flush();
    lease.check();
    checkpointer.take(task, outputs.nextPublishingIds(), start);
    lastCheckpointAt = settings.clock().millis();
  }

  private void shutdown() throws IOException {
    try {
      task.close();
    } finally {
      // A task that may have lost its partition writes nothing more, not even a final checkpoint.
      lease.check();
      checkpointer.awaitWritten();
      checkpoint();
      checkpointer.awaitWritten();
      closeQuietly(false);
    }
  }

  /** Closes readers and writers; {@code abandon}: the task is thrown away ({@link TaskOutputs#close}). */
  private void closeQuietly(boolean abandon) {
    if (readers != null) {
      for (LogReader r : readers) {
        if (r != null) {
          try {
            r.close();
          } catch (RuntimeException e) {
            LOG.debug("closing reader failed", e);
          }
        }
      }
    }
    outputs.close(abandon);
  }
}
