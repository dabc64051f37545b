package coursepulse.engine.internal;

import coursepulse.engine.StreamEngine.State;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.TaskStatus;
import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.PartitionListener;
import coursepulse.engine.log.StreamLog;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine over partitioned sources: one task per partition number (task {@code k} reads
 * partition {@code k} of every source, each with its own stores, stream time, timers, checkpoint
 * and output producer names), run by whichever instance of the application the log gives that
 * partition to.
 *
 * <p>Instances of one application id form a consumer group on the first source stream (single
 * active consumer on RabbitMQ): the log assigns each partition to exactly one instance, spreads
 * them, and moves them when an instance leaves or dies. Only the first source is used for the
 * assignment so that the partitions {@code k} of all sources always move together (separate groups
 * per source could place them on different instances). A task that is revoked stops and writes its
 * checkpoint before the log hands its partition on (one that cannot stop within {@link
 * #REVOCATION_WAIT} is fenced and handed on without it); a task that is assigned restores the newest
 * checkpoint from the application's checkpoint stream ({@link LogCheckpointStore}), so it moves
 * without the old instance's disk.
 *
 * <p>Outputs stay effectively-once across moves: each task numbers its outputs under its own
 * producer name, a restored task re-derives the same outputs with the same publishing ids, and the
 * log drops those it has.
 *
 * <p><b>Zombies.</b> An instance that stood still (SIGSTOP, a long GC pause, a suspended VM) for
 * the membership's lease timeout may have lost its partitions without being asked: the log gave
 * them to others once it stopped hearing from it. A {@link PauseDetector} notices the stand-still;
 * from then on every task the instance held fails its lease check before its next output, dead
 * letter or checkpoint and stops without writing anything more, and the instance leaves the group
 * and joins it again: the partitions it gets then it restores from the checkpoint stream like any
 * new holder. Listener calls of the old membership are ignored from the moment of the pause.
 */
public final class PartitionedRuntime implements EngineLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionedRuntime.class);

  /**
   * How long a revocation waits for its task to stop with a final checkpoint before it hands the
   * partition on anyway. A task stops in 13 to 820 ms (CI logs of the scale-out tests); one stuck
   * in the stream client while a cluster elects leaders took 10, 30 and 60 s. The log answers the
   * broker only when the revocation returns, and RabbitMQ 4.0.5 lost partitions whose answer came
   * that late: no consumer of their group was active any more and nobody held them for minutes
   * (docs/reliability.md, "Session 30, CI run 29").
   */
  static final Duration REVOCATION_WAIT = Duration.ofSeconds(5);

  private final EngineSettings settings;
  private final List<Map<String, String>> partitionStreams;
  private final String instance;
  // The threads running the held tasks; null: one thread per task.
  private final TaskThreads taskThreads;
  private final Object lock = new Object();
  // Tasks this instance holds, by partition; guarded by lock.
  private final Map<Integer, EngineRuntime> tasks = new TreeMap<>();
  // Stopped tasks that may still hold their partition's state directory.
  private final UnendedTasks unended = new UnendedTasks();
  private final LifecycleState<State> state;
  private volatile Throwable failure;
  private GroupMembership membership;
  // Which membership's listener calls count (guarded by lock): raised when the instance rejoins.
  private long generation;
  private volatile PauseDetector pauses;

  private PartitionedRuntime(
      EngineSettings settings,
      StreamEngine.StateListener listener,
      List<Map<String, String>> partitionStreams,
      String instance,
      int threads) {
    this.settings = settings;
    this.partitionStreams = partitionStreams;
    this.instance = instance;
    this.taskThreads =
        threads > 0 ? new TaskThreads(threads, "coursepulse-engine-" + settings.applicationId() + "-thread") : null;
    this.state =
        new LifecycleState<>(
            lock, settings.applicationId(), State.CREATED, State.ERROR, State::canTransitionTo,
            listener::onChange, state -> state, LOG);
  }

  /**
   * A partitioned runtime when the sources are partitioned streams, empty when they are plain.
   *
   * @param threads how many threads run the tasks this instance holds (each task on one of them
   *     at a time); 0: a thread per task
   * @throws IllegalStateException when some sources are partitioned and others not, or their
   *     partition counts differ: records of one key would not meet in one task
   */
  public static Optional<PartitionedRuntime> forPartitionedSources(
      EngineSettings settings, StreamEngine.StateListener listener, String instance, int threads) {
    StreamLog log = settings.log();
    Map<String, List<String>> partitions = new LinkedHashMap<>();
    for (String source : settings.graph().sourceStreams()) {
      partitions.put(source, log.partitions(source));
    }
    long partitioned = partitions.values().stream().filter(p -> !p.isEmpty()).count();
    if (partitioned == 0) {
      return Optional.empty();
    }
    int count = partitions.values().iterator().next().size();
    boolean copartitioned =
        partitioned == partitions.size()
            && partitions.values().stream().allMatch(p -> p.size() == count);
    if (!copartitioned) {
      StringBuilder what = new StringBuilder();
      partitions.forEach(
          (s, p) ->
              what.append(what.length() == 0 ? "" : ", ")
                  .append(s)
                  .append(p.isEmpty() ? " is a plain stream" : " has " + p.size() + " partitions"));
      throw new IllegalStateException(
          "the sources must be all plain streams or all partitioned with the same number of"
              + " partitions, so that the records of one key meet in one task: " + what
              + ". Recreate them with 'coursepulse streams --create --partitions N'.");
    }
    List<Map<String, String>> perTask = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      Map<String, String> streams = new LinkedHashMap<>();
      for (Map.Entry<String, List<String>> e : partitions.entrySet()) {
        streams.put(e.getKey(), e.getValue().get(k));
      }
      perTask.add(streams);
    }
    return Optional.of(new PartitionedRuntime(settings, listener, perTask, instance, threads));
  }

  /** A default instance name: host and process id, as operators find the process. */
  public static String defaultInstanceName() {
    // "pid@host" on HotSpot and OpenJ9
    return ManagementFactory.getRuntimeMXBean().getName();
  }

  /** The newest checkpoint of each task, from the application's checkpoint stream. */
  public static Map<Integer, TaskStatus> newestCheckpoints(
      StreamLog log, String applicationId, int taskCount) {
    Map<Integer, TaskStatus> out = new TreeMap<>();
    for (var e : LogCheckpointStore.newestPerTask(log, applicationId, taskCount).entrySet()) {
      LogCheckpointStore.Snapshot s = e.getValue();
      try {
        Checkpoint cp = Checkpoint.fromBytes(s.checkpoint());
        out.put(
            e.getKey(),
            new TaskStatus(
                e.getKey(), s.instance(), Instant.ofEpochMilli(s.writtenAtMillis()), cp.sequence(),
                cp.nextOffsets()));
      } catch (IOException unusable) {
        LOG.debug("task {}: newest snapshot unusable: {}", e.getKey(), unusable.getMessage());
      }
    }
    return out;
  }

  /** How many tasks the application has (the partition count of its sources). */
  public int taskCount() {
    return partitionStreams.size();
  }

  /** The partitions this instance holds now, ascending. */
  public List<Integer> heldTasks() {
    synchronized (lock) {
      return List.copyOf(tasks.keySet());
    }
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
      state.transition(State.RESTORING);
    }
    StreamLog log = settings.log();
    log.createStream(LogCheckpointStore.streamName(applicationId()), LogCheckpointStore.RETENTION);
    String lead = settings.graph().sourceStreams().get(0);
    LOG.info(
        "engine {}: {} tasks over partitioned sources; instance {} joins the group on '{}'",
        applicationId(), taskCount(), instance, lead);
    GroupMembership m = log.joinGroup(applicationId(), lead, new Listener(0));
    synchronized (lock) {
      // Closed (or failed) while joining, which can take a minute on a broker in trouble: the
      // close found no membership to leave, so leave this one now.
      if (state.get() == State.RESTORING) {
        m.leaseTimeout()
            .ifPresent(
                timeout ->
                    pauses =
                        new PauseDetector(timeout, applicationId(), gap -> rejoinAfterPause()));
        membership = m;
        state.transition(State.RUNNING);
        return;
      }
    }
    m.close();
  }

  /** The listener of one membership: its calls count only while it is the current one. */
  private final class Listener implements PartitionListener {
    private final long generation;

    Listener(long generation) {
      this.generation = generation;
    }

    @Override
    public void assigned(int partition) {
      PartitionedRuntime.this.assigned(generation, partition);
    }

    @Override
    public void revoked(int partition) {
      PartitionedRuntime.this.revoked(generation, partition);
    }
  }

  private void assigned(long from, int partition) {
    EngineRuntime task;
    List<EngineRuntime> predecessors;
    synchronized (lock) {
      if (state.get() != State.RESTORING && state.get() != State.RUNNING) {
        return; // stopping: the next holder will get it
      }
      if (from != generation) {
        return; // a membership this instance is leaving after a pause
      }
      if (tasks.containsKey(partition)) {
        return;
      }
      PauseDetector detector = pauses;
      // 0 when the detector starts after this call (during the join): it starts counting at 0
      long startedUnder = detector == null ? 0 : detector.pauses();
      Path cache = placement(partition).stateDir(settings.stateDir(), applicationId());
      task =
          new EngineRuntime(
              settings,
              placement(partition),
              new LogCheckpointStore(settings.log(), applicationId(), partition, instance, cache),
              Tags.of("task", String.valueOf(partition)),
              (next, old) -> onTaskState(partition, next),
              () -> {
                PauseDetector d = pauses;
                return d == null || d.intact(startedUnder);
              },
              taskThreads);
      tasks.put(partition, task);
      predecessors = unended.of(partition);
      lock.notifyAll();
    }
    LOG.info("engine {}: task {} assigned to this instance", applicationId(), partition);
    if (predecessors.isEmpty()) {
      task.start();
      return;
    }
    // Not on the log's thread: the log answers the broker when this call returns.
    Thread starter =
        new Thread(
            () -> startAfter(predecessors, partition, task),
            "coursepulse-engine-" + applicationId() + "-task-" + partition + "-start");
    starter.setDaemon(true);
    starter.start();
  }

  /**
   * Starts {@code task} once the tasks this instance stopped earlier for the same partition have
   * ended: they all use the partition's state directory, which one task at a time may lock.
   */
  private void startAfter(List<EngineRuntime> predecessors, int partition, EngineRuntime task) {
    long start = System.nanoTime();
    int ended = unended.awaitEnd(partition, predecessors, settings.taskStopTimeout());
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    synchronized (lock) {
      if (tasks.get(partition) != task) {
        LOG.info(
            "engine {}: task {} was revoked while it waited {} ms for its stopped predecessor(s)",
            applicationId(), partition, waited);
        return;
      }
    }
    if (ended < predecessors.size()) {
      // Starting would only meet the state directory they still lock.
      IllegalStateException stuck =
          new IllegalStateException(
              "task " + partition + " cannot start: " + (predecessors.size() - ended)
                  + " stopped task(s) of its partition on this instance still run after "
                  + String.format(Locale.ROOT, "%.1f", settings.taskStopTimeout().toMillis() / 1000.0)
                  + " s and hold its state directory (stuck in"
                  + " the log); this instance stops so that its partitions move to the others."
                  + " Restart it once the log is healthy.");
      LOG.error("engine {}: {}", applicationId(), stuck.getMessage());
      failInstance(stuck);
      return;
    }
    LOG.info(
        "engine {}: task {} starts after its {} stopped predecessor(s) ended ({} ms)",
        applicationId(), partition, predecessors.size(), waited);
    try {
      task.start();
    } catch (RuntimeException e) {
      synchronized (lock) {
        if (tasks.get(partition) != task) {
          return; // revoked meanwhile: it had nothing to start
        }
      }
      LOG.error("engine {}: task {} cannot start: {}", applicationId(), partition, e.toString());
      failInstance(e);
    }
  }

  private void revoked(long from, int partition) {
    EngineRuntime task;
    synchronized (lock) {
      if (from != generation) {
        return; // its tasks were stopped when the instance left that membership
      }
      task = tasks.remove(partition);
      if (task == null) {
        return;
      }
      // In the same step as it leaves the held tasks: a successor assigned from here on waits.
      unended.add(partition, task);
    }
    long start = System.nanoTime();
    if (task.close(REVOCATION_WAIT)) {
      unended.forget(partition, task);
      LOG.info(
          "engine {}: task {} revoked; stopped with a final checkpoint in {} ms", applicationId(),
          partition, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return;
    }
    // Stuck (typically in the log, on a cluster that is electing leaders): it writes nothing
    // more from here on, and its next holder resumes from its last checkpoint, deriving the same
    // outputs under the same publishing ids. It ends by itself once the log lets go of it.
    task.handOn();
    LOG.warn(
        "engine {}: task {} revoked; still stopping after {} ms, handed on without a final"
            + " checkpoint (it writes nothing more; its next holder resumes from its last one)",
        applicationId(), partition, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  /**
   * After a pause: the held tasks are fenced already (their lease checks fail); stop them, leave
   * the membership whose partitions may belong to others by now, and join again. Runs on a thread
   * of its own so that the detector keeps ticking.
   */
  private void rejoinAfterPause() {
    Thread t = new Thread(this::rejoin, "coursepulse-engine-" + applicationId() + "-rejoin");
    t.setDaemon(true);
    t.start();
  }

  private void rejoin() {
    GroupMembership old;
    Map<Integer, EngineRuntime> held;
    long next;
    synchronized (lock) {
      if (state.get() != State.RUNNING) {
        return;
      }
      old = membership;
      membership = null;
      next = ++generation;
      held = new TreeMap<>(tasks);
      tasks.clear();
      held.forEach(unended::add);
    }
    long start = System.nanoTime();
    int fenced = 0;
    for (Map.Entry<Integer, EngineRuntime> e : held.entrySet()) {
      EngineRuntime task = e.getValue();
      if (task.close(settings.taskStopTimeout())) {
        unended.forget(e.getKey(), task);
      }
      fenced += task.fenced() ? 1 : 0;
    }
    if (old != null) {
      try {
        old.close();
      } catch (RuntimeException e) {
        LOG.debug("engine {}: leaving the old membership failed: {}", applicationId(), e.toString());
      }
    }
    LOG.warn(
        "engine {}: after standing still, stopped {} task(s) ({} fenced before writing) and left"
            + " the group in {} ms; joining it again",
        applicationId(), held.size(), fenced,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    GroupMembership m;
    try {
      m = settings.log().joinGroup(
          applicationId(), settings.graph().sourceStreams().get(0), new Listener(next));
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("engine {}: cannot join the group again: {}", applicationId(), e.toString());
      state.fail();
      return;
    }
    synchronized (lock) {
      if (state.get() == State.RUNNING && generation == next) {
        membership = m;
        return;
      }
    }
    m.close();
  }

  private TaskPlacement placement(int partition) {
    return new TaskPlacement(partition, partitionStreams.get(partition));
  }

  private void onTaskState(int partition, TaskState next) {
    if (next != TaskState.FAILED) {
      return;
    }
    EngineRuntime task;
    synchronized (lock) {
      task = tasks.get(partition);
    }
    if (task == null || task.taskState() != TaskState.FAILED) {
      // A task being stopped (revoked, or left behind on a rejoin) that failed its final
      // checkpoint: typically the log lost the connection that also cost this instance the
      // partition (a cluster node killed). Not the instance's failure: the next holder restores
      // the checkpoint before and re-derives the outputs under the same publishing ids. Stopping
      // the instance here took every other task with it, and when all instances did so nobody
      // held a partition any more.
      LOG.warn(
          "engine {}: task {} failed while it was being stopped; its next holder resumes from its"
              + " previous checkpoint", applicationId(), partition);
      return;
    }
    // A task that failed for good (not a log outage: those it recovers from itself) stops the
    // instance, and leaving the group gives every task of it to the other instances.
    failInstance(task.failure().orElse(null));
  }

  /** Stops every task and leaves the group, on a thread of its own; the instance ends failed. */
  private void failInstance(Throwable cause) {
    Thread stopper =
        new Thread(
            () -> {
              failure = cause;
              stopTasksAndLeave(settings.taskStopTimeout());
              state.fail();
            },
            "coursepulse-engine-" + applicationId() + "-failure");
    stopper.setDaemon(true);
    stopper.start();
  }

  @Override
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<EngineRuntime> held;
    synchronized (lock) {
      // Holding nothing is not having drained anything: the log may not have assigned tasks yet.
      while (tasks.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || state.get() == State.ERROR || state.get() == State.STOPPED) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      held = List.copyOf(tasks.values());
    }
    // Ask every task first, then wait: an idle pass of a task on RabbitMQ 4 takes up to a few
    // hundred ms (it asks the broker for each input's last offset), and tasks waited on one after
    // the other never all fitted in a short timeout, so --stop-when-idle never ended.
    long[] targets = new long[held.size()];
    for (int k = 0; k < targets.length; k++) {
      targets[k] = held.get(k).idleTarget();
    }
    for (int k = 0; k < targets.length; k++) {
      if (!held.get(k).awaitIdle(targets[k], deadline)) {
        return false;
      }
    }
    return state.get() == State.RUNNING;
  }

  private List<EngineRuntime> heldRuntimes() {
    synchronized (lock) {
      return List.copyOf(tasks.values());
    }
  }

  @Override
  public boolean close(Duration timeout) {
    synchronized (lock) {
      if (state.get() == State.STOPPED || state.get() == State.ERROR) {
        return true;
      }
      if (state.get() == State.CREATED) {
        state.transition(State.PENDING_SHUTDOWN);
        state.transition(State.STOPPED);
        return true;
      }
      state.transition(State.PENDING_SHUTDOWN);
    }
    boolean clean = stopTasksAndLeave(timeout);
    synchronized (lock) {
      if (state.get() == State.PENDING_SHUTDOWN) {
        state.transition(State.STOPPED);
      }
    }
    return clean;
  }

  /**
   * Stops every held task (each writes its checkpoint) and only then leaves the group, so the next
   * holders restore the final state rather than an older one.
   */
  private boolean stopTasksAndLeave(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean clean = true;
    for (EngineRuntime task : heldRuntimes()) {
      clean &= task.close(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    synchronized (lock) {
      tasks.clear();
    }
    GroupMembership m;
    synchronized (lock) {
      m = membership;
      membership = null;
    }
    if (m != null) {
      try {
        m.close();
      } catch (RuntimeException e) {
        LOG.warn("engine {}: leaving the group failed: {}", applicationId(), e.toString());
      }
    }
    PauseDetector d = pauses;
    if (d != null) {
      d.close();
    }
    if (taskThreads != null) {
      taskThreads.close();
    }
    return clean;
  }
}
