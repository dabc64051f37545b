package coursepulse.engine.internal;

import coursepulse.engine.StateStore;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.LogException;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime behind {@code StreamEngine}, or one task of a partitioned engine: runs the task
 * through its lifecycle on a thread of its own or in passes on shared {@link TaskThreads}. It
 * restores the latest checkpoint, then in each pass takes what its sources delivered ({@link
 * TaskInputs}), processes in timestamp order, writes sinks and dead letters ({@link TaskOutputs})
 * and checkpoints periodically and on close ({@link Checkpointer}); after a log failure it
 * rebuilds the task from its last checkpoint.
 *
 * <p>Output guarantee: outputs carry deterministic publishing ids ({@link TaskOutputs}) and are
 * flushed before a checkpoint is written, so a checkpoint never claims outputs the log has not
 * stored. After a crash the engine restores the checkpoint, re-reads inputs from its offsets and,
 * processing deterministically, re-emits the same records with the same ids: the log drops those
 * it already had. A rebuilt or restarted task also takes its records in the order its predecessor
 * took them ({@link ProcessingOrder}), which a live run's inputs do not fix.
 */
public final class EngineRuntime implements EngineLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(EngineRuntime.class);
  private static final int MAX_RECORDS_PER_LOOP = 1_000;
  private static final long MIN_RECOVERY_BACKOFF_MS = 100;
  private static final long MAX_RECOVERY_BACKOFF_MS = 2_000;
  private static final long QUICK_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final EngineSettings settings;
  private final TaskPlacement placement;
  private final Checkpointer checkpointer;
  // The application id, with the task of a partitioned engine: for logs and the thread name.
  private final String name;
  private final Object lock = new Object();
  private final TaskMetrics metrics;
  private final LifecycleState<TaskState> state;
  private volatile Throwable failure;
  private volatile boolean stopRequested;
  private volatile boolean fenced;
  // Set when this task's partition was handed on before the task stopped (handOn).
  private volatile boolean handedOn;
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
  private final TaskInputs inputs;
  private final TaskProgress progress;
  private final TaskOutputs outputs;
  // What the task took since its recent checkpoints, for a rebuilt or restarted task to follow.
  private final ProcessingOrder order;
  private long lastCheckpointAt;
  // When the last rebuild after a log failure completed (System.nanoTime), and the wait before a
  // rebuild that follows it too soon.
  private long recoveredAt = System.nanoTime() - QUICK_FAILURE_NANOS;
  private long quickFailureBackoffMs;
  private StateDirLock stateDirLock;
  private final TaskLease lease;

  /**
   * An engine that is this one task: it shows and tells the engine's states ({@link
   * TaskState#engineState}).
   */
  public EngineRuntime(EngineSettings settings, StreamEngine.StateListener listener) {
    this(
        settings, TaskPlacement.whole(), null, Tags.empty(),
        (next, old) -> listener.onChange(next.engineState(), old == null ? null : old.engineState()),
        null, null, TaskState::engineState);
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
      TaskState.Listener listener,
      BooleanSupplier leaseIntact,
      TaskThreads taskThreads) {
    this(
        settings, placement, checkpoints, metricTags, listener, leaseIntact, taskThreads,
        state -> state);
  }

  private EngineRuntime(
      EngineSettings settings,
      TaskPlacement placement,
      CheckpointStore checkpoints,
      Tags metricTags,
      TaskState.Listener listener,
      BooleanSupplier leaseIntact,
      TaskThreads taskThreads,
      java.util.function.Function<TaskState, ?> shownInLog) {
    this.settings = settings;
    this.taskThreads = taskThreads;
    // A plain engine (no lease) is never handed on either: it keeps the check-free path.
    BooleanSupplier intact =
        leaseIntact == null ? null : () -> !handedOn && leaseIntact.getAsBoolean();
    this.lease = new TaskLease(intact);
    this.placement = placement;
    this.name = placement.describe(settings.applicationId());
    this.state =
        new LifecycleState<>(
            lock, name, TaskState.CREATED, TaskState.FAILED, TaskState::canTransitionTo,
            listener::onChange, shownInLog, LOG);
    this.inputs =
        new TaskInputs(
            settings, placement, name, LOG, taskThreads != null,
            taskThreads == null || taskThreads.count() < Runtime.getRuntime().availableProcessors(),
            () -> stopRequested);
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
            intact);
    this.progress = new TaskProgress(settings, placement, metrics, LOG);
    // In files only where the checkpoints are too: a task of partitioned sources checkpoints to
    // the log and may move to another instance and back, and the order files it left here would
    // not be what the other instance wrote meanwhile. Nor for an order that is never recorded.
    boolean files =
        checkpoints == null && ProcessingOrder.supports(settings.graph().sources().size());
    this.order =
        new ProcessingOrder(
            ProcessingOrder.DEFAULT_CAPACITY,
            files ? ProcessingOrder.directory(checkpointDir()) : null);
    metrics.registerStores(
        settings.graph().stores().stream().map(d -> d.builder().name()).toList(), this::store);
  }

  @Override
  public String applicationId() {
    return settings.applicationId();
  }

  @Override
  public StreamEngine.State state() {
    return state.get().engineState();
  }

  /** The task's own state. */
  TaskState taskState() {
    return state.get();
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * The JDK's file exceptions say only the path: "permission denied" is what a user can act on.
   * The path is named when it is not {@code dir} itself.
   */
  private static String why(IOException e, Path dir) {
    String file = e instanceof java.nio.file.FileSystemException f && f.getFile() != null
        && !f.getFile().equals(dir.toString()) ? f.getFile() + ": " : "";
    if (e instanceof java.nio.file.AccessDeniedException) {
      return file + "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return file + "no such file or directory";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return file + f.getReason();
    }
    return String.valueOf(e.getMessage());
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (state.get() != TaskState.CREATED) {
        throw new IllegalStateException("engine can start only once, from CREATED; it is " + state.get());
      }
      try {
        stateDirLock = StateDirLock.acquire(checkpointDir(), settings.applicationId());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(
            "cannot lock the state directory " + checkpointDir() + ": " + why(e, checkpointDir())
                + "; give --state-dir a directory this user can write", e);
      }
      bindStateDirToLog();
      state.transition(TaskState.RESTORING);
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
        if (state.get() == TaskState.FAILED || state.get() == TaskState.CLOSED) {
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
      if (state.get() == TaskState.CREATED) {
        state.transition(TaskState.CLOSING);
        state.transition(TaskState.CLOSED);
        return true;
      }
      if (state.get() == TaskState.RESTORING || state.get() == TaskState.RUNNING) {
        state.transition(TaskState.CLOSING);
      }
      stopRequested = true;
      lock.notifyAll();
      t = thread;
    }
    if (taskThreads != null) {
      if (taskThreads.isTaskThread()) {
        // It ends at this thread's next pass over it, after this call returns: not ended yet, so
        // a caller that tracks stopped tasks keeps it until it has released its state directory.
        return hasEnded();
      }
      try {
        return ended.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    if (t == null) {
      return true;
    }
    if (t == Thread.currentThread()) {
      return hasEnded(); // as above: it ends once this pass returns
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

  /** Whether the task has ended and released its state directory ({@link #release}). */
  boolean hasEnded() {
    return ended.getCount() == 0;
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
        try {
          restore();
        } catch (LogException e) {
          // A log outage as the task starts (a cluster node just died: "no node available to
          // consume", no leader yet) is the outage a running task rides out. Failing here failed
          // the whole instance, which then left the group for good.
          rideOut(e);
          return true;
        }
        synchronized (lock) {
          if (!stopRequested) {
            state.transition(TaskState.RUNNING);
          }
        }
        return true;
      }
      if (!stopRequested) {
        try {
          runOnce();
        } catch (LogException e) {
          rideOut(e);
        }
        return true;
      }
      shutdown();
      state.transition(TaskState.CLOSED);
      return false;
    } catch (TaskLease.LostException lost) {
      // Not a failure of this task: another instance may be running it now. Whatever this one
      // did since its last checkpoint is redone there, with the same publishing ids.
      LOG.warn(
          "engine {}: fenced: {}; stopped without writing anything more (no final checkpoint)",
          name,
          handedOn
              ? "its partition was handed on while the task was still stopping"
              : "this instance may have lost the task while it stood still");
      this.fenced = true;
      discardTask();
      synchronized (lock) {
        if (state.get() == TaskState.RESTORING || state.get() == TaskState.RUNNING) {
          state.transition(TaskState.CLOSING);
        }
        state.transition(TaskState.CLOSED);
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

  /**
   * Rebuilds the task after a log failure ({@link #recover}), unless it is being stopped (then the
   * failure ends it) or has lost its lease: after a pause the broker has closed this instance's
   * connections, and such a task stops fenced, not failed, and is not rebuilt here.
   */
  private void rideOut(LogException e) throws IOException {
    lease.check();
    if (stopRequested) {
      throw e;
    }
    recover(e);
  }

  /**
   * Refuses a state directory whose checkpoints (or, for checkpoints kept on the log, whose local
   * cache of them) come from another log; releases its lock then.
   */
  private void bindStateDirToLog() {
    try {
      StateLogBinding.check(checkpointDir(), settings.log());
    } catch (IOException | RuntimeException e) {
      stateDirLock.close();
      stateDirLock = null;
      if (e instanceof IOException io) {
        throw new java.io.UncheckedIOException(
            "cannot read or write " + checkpointDir().resolve(StateLogBinding.FILE_NAME) + ": "
                + io.getMessage(),
            io);
      }
      throw (RuntimeException) e;
    }
  }

  private Path checkpointDir() {
    return placement.stateDir(settings.stateDir(), settings.applicationId());
  }

  /**
   * Builds a fresh task from the latest checkpoint (or from {@code startFrom} without one) and
   * opens readers and writers. Used at start and again to recover from a log failure, so it
   * assumes nothing of an earlier task.
   */
  private void restore() throws IOException {
    task =
        new StreamTask(
            settings.graph(), settings.applicationId(), settings.clock()::millis, outputs,
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
    progress.publishStreamTime(task); // the gauge tells where a restored task stands

    followTheOrderTaken(cp);
    inputs.open(task, cp == null ? Map.of() : cp.nextOffsets());
    progress.publish(task);
    outputs.open(cp == null ? Map.of() : cp.nextPublishingIds());
    lastCheckpointAt = settings.clock().millis();
  }

  /**
   * Makes the new task take the records its predecessor took since the restored checkpoint in the
   * same order ({@link ProcessingOrder}; in this process, or in one that died, from the files it
   * left), and record what it takes from here on.
   * Without a checkpoint that holds only for a start from the first offsets, the same every time.
   */
  private void followTheOrderTaken(Checkpoint cp) {
    byte[] followed;
    if (!ProcessingOrder.supports(task.sourceCount())) {
      return;
    } else if (cp != null) {
      followed = order.since(cp.nextOffsets(), cp.nextPublishingIds());
    } else if (outputs.startsFromFirst()) {
      followed = order.since(Map.of(), Map.of());
    } else {
      followed = null;
      order.clear();
    }
    task.recordOrder(order);
    task.followOrder(followed == null ? null : order.following());
    if (followed != null && followed.length > 0) {
      LOG.info(
          "engine {}: taking the records taken since {} again in the order they were taken",
          name, cp == null ? "the start" : "checkpoint " + cp.sequence());
    }
  }

  private StateStore store(String name) {
    StreamTask t = task;
    return t == null ? null : t.stores().get(name);
  }

  private void runOnce() throws IOException {
    boolean fetched = inputs.fetch();
    if (fetched) {
      progress.publish(task);
    }
    int processed = 0;
    long batchStart = metrics.enabled() ? System.nanoTime() : 0L;
    while (processed < MAX_RECORDS_PER_LOOP && inputs.mayProcess()) {
      task.process();
      processed++;
    }
    long now = settings.clock().millis();
    if (fetched || processed > 0) {
      inputs.endCarriedWait();
    }
    if (processed > 0 && metrics.enabled()) {
      metrics.batchProcessed(
          processed, System.nanoTime() - batchStart, now - task.lastProcessedEventTime(),
          now - task.lastProcessedLogTime());
    }
    progress.publish(task);
    task.maybePunctuateWallClock(now);
    if (!settings.checkpointInterval().isZero()
        && now - lastCheckpointAt >= settings.checkpointInterval().toMillis()) {
      checkpoint();
    }
    if (processed == 0 && !fetched && inputs.idleAfterWait()) {
      lease.check(); // as before a checkpoint's flush: a paused task must not wait on dead links
      outputs.flush();
      synchronized (lock) {
        idleEpoch++;
        lock.notifyAll();
      }
    }
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
    state.transition(TaskState.RESTORING);
    metrics.recoveryStarted();
    LogException last = cause;
    // A failure right after the last rebuild (a log that takes connections but refuses appends)
    // waits before the next one, so that the task does not rebuild hundreds of times a second.
    boolean soonAfterTheLast = System.nanoTime() - recoveredAt < QUICK_FAILURE_NANOS;
    quickFailureBackoffMs =
        !soonAfterTheLast
            ? 0
            : Math.min(
                Math.max(MIN_RECOVERY_BACKOFF_MS, quickFailureBackoffMs * 2),
                MAX_RECOVERY_BACKOFF_MS);
    if (quickFailureBackoffMs > 0 && !waitUnlessStopping(quickFailureBackoffMs)) {
      throw last;
    }
    long backoffMs = MIN_RECOVERY_BACKOFF_MS;
    while (!stopRequested) {
      discardTask();
      try {
        restore();
        recoveredAt = System.nanoTime();
        synchronized (lock) {
          if (!stopRequested) {
            state.transition(TaskState.RUNNING);
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
        if (!waitUnlessStopping(backoffMs)) {
          throw last;
        }
        backoffMs = Math.min(backoffMs * 2, MAX_RECOVERY_BACKOFF_MS);
      }
    }
    throw last; // asked to stop while the log was down: no checkpoint can be trusted now
  }

  /** Waits unless asked to stop meanwhile; false when interrupted. */
  private boolean waitUnlessStopping(long ms) {
    synchronized (lock) {
      if (!stopRequested) {
        try {
          lock.wait(ms);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
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
  }

  /**
   * Fences a task that is being stopped but has not stopped yet, so that its partition can go to
   * another instance now: from here on the task writes nothing (no output, dead letter or
   * checkpoint; one already on its way to the log is the only exception, and it is harmless, see
   * {@link LogCheckpointStore}) and it ends at its next lease check. Its next holder resumes from
   * its last checkpoint and derives its outputs again under the same publishing ids. Only for a
   * task with a lease (a partitioned engine's).
   */
  void handOn() {
    handedOn = true;
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
    Map<String, Long> ids = outputs.nextPublishingIds();
    order.checkpointed(checkpointer.take(task, ids, start), ids);
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
    inputs.close(abandon);
    outputs.close(abandon);
  }
}
