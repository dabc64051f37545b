package coursepulse.engine.internal;

import coursepulse.engine.StateStore;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.StreamEngine.State;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
public final class EngineRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(EngineRuntime.class);
  private static final int MAX_RECORDS_PER_LOOP = 1_000;
  private static final long STATS_REFRESH_MS = 50;

  private final EngineSettings settings;
  private final StreamEngine.StateListener listener;
  private final Object lock = new Object();
  private final TaskMetrics metrics;
  private volatile State state = State.CREATED;
  private volatile Throwable failure;
  private volatile boolean stopRequested;
  private long idleEpoch;
  private Thread thread;

  // Owned by the processing thread.
  private StreamTask task;
  private LogReader[] readers;
  private long[] knownEnd;
  private long[] statsCheckedAt;
  private final Map<String, LogWriter> writers = new LinkedHashMap<>();
  private final Map<String, Long> nextPublishingId = new LinkedHashMap<>();
  private final Map<String, LogWriter> deadLetterWriters = new HashMap<>();
  private long checkpointSequence;
  private long lastCheckpointAt;
  private long idleSince = -1;

  public EngineRuntime(EngineSettings settings, StreamEngine.StateListener listener) {
    this.settings = settings;
    this.listener = listener;
    this.metrics = new TaskMetrics(settings.meterRegistry(), settings.graph().sourceStreams());
  }

  public String applicationId() {
    return settings.applicationId();
  }

  public State state() {
    return state;
  }

  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public void start() {
    synchronized (lock) {
      if (state != State.CREATED) {
        throw new IllegalStateException("engine can start only once, from CREATED; it is " + state);
      }
      transition(State.RESTORING);
      thread = new Thread(this::run, "coursepulse-engine-" + settings.applicationId());
      thread.setDaemon(false);
      thread.start();
    }
  }

  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      // Two idle observations after the call: the second loop pass started after this call.
      long target = idleEpoch + 2;
      while (idleEpoch < target) {
        if (state == State.ERROR || state == State.STOPPED) {
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

  public boolean close(Duration timeout) {
    Thread t;
    synchronized (lock) {
      if (state == State.CREATED) {
        transition(State.PENDING_SHUTDOWN);
        transition(State.STOPPED);
        return true;
      }
      if (state == State.RESTORING || state == State.RUNNING) {
        transition(State.PENDING_SHUTDOWN);
      }
      stopRequested = true;
      lock.notifyAll();
      t = thread;
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

  private void transition(State next) {
    State old;
    synchronized (lock) {
      old = state;
      if (old == next) {
        return;
      }
      if (!old.canTransitionTo(next)) {
        throw new IllegalStateException("invalid engine state transition " + old + " -> " + next);
      }
      state = next;
      lock.notifyAll();
    }
    LOG.info("engine {}: {} -> {}", settings.applicationId(), old, next);
    try {
      listener.onChange(next, old);
    } catch (RuntimeException e) {
      LOG.warn("state listener failed", e);
    }
  }

  private void run() {
    try {
      restore();
      synchronized (lock) {
        if (!stopRequested) {
          transition(State.RUNNING);
        }
      }
      loop();
      shutdown();
      transition(State.STOPPED);
    } catch (Throwable t) {
      String node = task == null ? null : task.currentNode();
      LOG.error(
          "engine {} failed{}: {}", settings.applicationId(),
          node == null ? "" : " in node '" + node + "'", t.toString(), t);
      failure = t;
      synchronized (lock) {
        state = State.ERROR; // every state may fail
        lock.notifyAll();
      }
      try {
        listener.onChange(State.ERROR, null);
      } catch (RuntimeException e) {
        LOG.warn("state listener failed", e);
      }
      closeQuietly();
    }
  }

  private Path checkpointDir() {
    return settings.stateDir().resolve(settings.applicationId());
  }

  private void restore() throws IOException {
    StreamLog log = settings.log();
    TopologyGraph graph = settings.graph();
    task =
        new StreamTask(
            graph, settings.applicationId(), settings.clock()::millis, new LogCollector(),
            settings.deserializationHandler(), metrics);
    metrics.registerStores(task.stores().values());

    Checkpoint cp = Checkpoint.loadLatest(checkpointDir());
    if (cp == null) {
      LOG.info(
          "engine {}: no usable checkpoint in {}, starting from '{}'", settings.applicationId(),
          checkpointDir(), settings.startFrom());
    } else {
      checkpointSequence = cp.sequence();
      for (Map.Entry<String, byte[]> e : cp.stores().entrySet()) {
        StateStore s = task.stores().get(e.getKey());
        if (s instanceof CheckpointableStore cs) {
          cs.readFrom(new DataInputStream(new java.io.ByteArrayInputStream(e.getValue())));
        } else {
          LOG.warn("checkpoint holds store '{}' the topology does not have; ignored", e.getKey());
        }
      }
      task.restoreStreamTime(cp.streamTime());
    }
    task.init();
    if (cp != null) {
      task.restoreStreamTimeSchedule(cp.streamTimeSchedule());
    }

    int n = task.sourceCount();
    readers = new LogReader[n];
    knownEnd = new long[n];
    statsCheckedAt = new long[n];
    for (int i = 0; i < n; i++) {
      String stream = task.sourceStream(i);
      Long next = cp == null ? null : cp.nextOffsets().get(stream);
      OffsetSpec from = settings.startFrom();
      if (next != null && next >= 0) {
        from = OffsetSpec.offset(next);
        task.setReadPosition(i, next);
      }
      LOG.info("engine {}: reading '{}' from {}", settings.applicationId(), stream, from);
      readers[i] = log.reader(stream, from);
      knownEnd[i] = -1;
      statsCheckedAt[i] = Long.MIN_VALUE;
      final int idx = i;
      metrics.registerInputLag(stream, () -> inputLag(idx));
    }
    for (String stream : graph.sinkStreams()) {
      LogWriter w = log.writer(stream, producerName(stream));
      writers.put(stream, w);
      Long id = cp == null ? null : cp.nextPublishingIds().get(stream);
      if (id == null) {
        // Without a checkpoint a replay from the first offset re-derives the ids of an earlier
        // run (and the log drops its duplicates); any other start continues after the log.
        id = settings.startFrom() instanceof OffsetSpec.First ? 1L : w.lastPublishingId() + 1;
        id = Math.max(1L, id);
      }
      nextPublishingId.put(stream, id);
    }
    lastCheckpointAt = settings.clock().millis();
  }

  private long inputLag(int i) {
    long[] end = knownEnd;
    if (end == null || task == null) {
      return 0;
    }
    long next = task.nextOffset(i);
    return Math.max(0, end[i] + 1 - Math.max(0, next));
  }

  private String producerName(String stream) {
    return settings.applicationId() + "-" + stream;
  }

  private void loop() throws IOException {
    int n = readers.length;
    int capacity = settings.maxBufferedRecordsPerSource();
    while (!stopRequested) {
      boolean fetched = false;
      for (int i = 0; i < n; i++) {
        while (task.buffered(i) < capacity) {
          LogMessage m = readers[i].poll(Duration.ZERO);
          if (m == null) {
            break;
          }
          task.addRecord(i, m.offset(), m.timestamp(), m.body());
          fetched = true;
        }
      }
      int processed = 0;
      while (processed < MAX_RECORDS_PER_LOOP && mayProcess()) {
        task.process();
        processed++;
      }
      long now = settings.clock().millis();
      task.maybePunctuateWallClock(now);
      if (!settings.checkpointInterval().isZero()
          && now - lastCheckpointAt >= settings.checkpointInterval().toMillis()) {
        checkpoint();
      }
      if (processed == 0 && !fetched) {
        if (!task.anyBuffered() && caughtUp()) {
          flushAll();
          synchronized (lock) {
            idleEpoch++;
            lock.notifyAll();
          }
        }
        waitForInput();
      }
    }
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
    for (int i = 0; i < readers.length; i++) {
      if (task.buffered(i) == 0 && moreInLog(i)) {
        return false; // the record we need is in the log already: wait for it, for determinism
      }
    }
    long now = settings.clock().millis();
    if (idleSince < 0) {
      idleSince = now;
    }
    return now - idleSince >= settings.maxTaskIdle().toMillis();
  }

  private boolean moreInLog(int i) {
    long next = task.nextOffset(i);
    if (next >= 0 && next <= knownEnd[i]) {
      return true;
    }
    long now = settings.clock().millis();
    if (statsCheckedAt[i] != Long.MIN_VALUE && now - statsCheckedAt[i] < STATS_REFRESH_MS) {
      return false;
    }
    statsCheckedAt[i] = now;
    Optional<StreamStats> stats = settings.log().stats(task.sourceStream(i));
    knownEnd[i] = stats.map(StreamStats::lastOffset).orElse(-1L);
    return next >= 0 ? next <= knownEnd[i] : knownEnd[i] >= 0 && task.buffered(i) == 0
        && readerMayHaveMore(i);
  }

  private boolean readerMayHaveMore(int i) {
    // Nothing read yet: with 'first' every stored message is ahead of us.
    return settings.startFrom() instanceof OffsetSpec.First;
  }

  private boolean caughtUp() {
    for (int i = 0; i < readers.length; i++) {
      statsCheckedAt[i] = Long.MIN_VALUE; // force a fresh look
      if (moreInLog(i)) {
        return false;
      }
    }
    return true;
  }

  private void waitForInput() {
    // Block on one empty reader for a short while so an idle engine does not spin.
    long timeoutMs = Math.max(1, settings.pollTimeout().toMillis() / readers.length);
    for (int i = 0; i < readers.length && !stopRequested; i++) {
      if (task.buffered(i) == 0) {
        LogMessage m = readers[i].poll(Duration.ofMillis(timeoutMs));
        if (m != null) {
          task.addRecord(i, m.offset(), m.timestamp(), m.body());
          return;
        }
      }
    }
  }

  private void flushAll() {
    Duration t = Duration.ofSeconds(30);
    for (LogWriter w : writers.values()) {
      w.flush(t);
    }
    for (LogWriter w : deadLetterWriters.values()) {
      w.flush(t);
    }
  }

  private void checkpoint() throws IOException {
    long start = System.nanoTime();
    flushAll();
    Map<String, Long> offsets = new LinkedHashMap<>();
    for (int i = 0; i < readers.length; i++) {
      offsets.put(task.sourceStream(i), task.nextOffset(i));
    }
    Map<String, byte[]> stores = new LinkedHashMap<>();
    for (StateStore s : task.stores().values()) {
      if (s instanceof CheckpointableStore cs) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        cs.writeTo(new DataOutputStream(bos));
        stores.put(s.name(), bos.toByteArray());
      }
    }
    Checkpoint cp =
        new Checkpoint(
            ++checkpointSequence, task.streamTime(), offsets, Map.copyOf(nextPublishingId),
            task.streamTimeSchedule(), stores);
    long size = cp.write(checkpointDir());
    metrics.checkpointWritten(System.nanoTime() - start, size);
    lastCheckpointAt = settings.clock().millis();
    for (Map.Entry<String, Long> e : offsets.entrySet()) {
      if (e.getValue() > 0) {
        try {
          settings.log().storeOffset(settings.applicationId(), e.getKey(), e.getValue() - 1);
        } catch (RuntimeException ex) {
          // The checkpoint is the source of truth; the broker offset is for operators' tools.
          LOG.warn("cannot store offset of '{}': {}", e.getKey(), ex.getMessage());
        }
      }
    }
    LOG.debug("checkpoint {} written ({} bytes)", cp.sequence(), size);
  }

  private void shutdown() throws IOException {
    try {
      task.close();
    } finally {
      checkpoint();
      closeQuietly();
    }
  }

  private void closeQuietly() {
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
    for (LogWriter w : List.copyOf(writers.values())) {
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.debug("closing writer failed", e);
      }
    }
    for (LogWriter w : List.copyOf(deadLetterWriters.values())) {
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.debug("closing writer failed", e);
      }
    }
  }

  private final class LogCollector implements RecordCollector {
    @Override
    public void send(String stream, Object key, byte[] value, long timestamp) {
      long id = nextPublishingId.get(stream);
      writers.get(stream).append(id, value);
      nextPublishingId.put(stream, id + 1);
    }

    @Override
    public void sendDeadLetter(String sourceStream, long offset, byte[] deadLetter, long ts) {
      LogWriter w =
          deadLetterWriters.computeIfAbsent(
              sourceStream,
              s -> {
                String dlq = DeadLetter.streamName(settings.applicationId());
                settings.log().createStream(dlq, Retention.unlimited());
                return settings.log().writer(dlq, settings.applicationId() + "-dlq-" + s);
              });
      w.append(offset + 1, deadLetter);
    }
  }
}
