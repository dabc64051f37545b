package coursepulse.engine.internal;

import coursepulse.engine.StateStore;
import coursepulse.engine.log.StreamLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a task's checkpoints without stopping it for longer than a snapshot of what changed, and
 * restores the task's stores from the newest chain.
 *
 * <p>On the task thread ({@link #take}), between two records: the input positions, publishing
 * ids, stream time and schedule, and per store its changes since the previous checkpoint ({@link
 * CheckpointableStore#takeChanges}: a map swap, or copy-on-access for object stores; stores that
 * are not incremental are serialized whole here). On the checkpointer's own thread: the changes
 * are serialized, written durably as a delta ({@link CheckpointStore#write}) and only then the
 * input positions are stored on the log for operators' tools. At most one checkpoint is in flight:
 * while one is written, the task keeps processing and the next waits its turn ({@link #busy}).
 *
 * <p>A crash at any point leaves the previous durable checkpoint as the newest: its state,
 * positions and publishing ids are consistent, and outputs were flushed before its snapshot, so
 * a restore re-emits what followed with the same ids (effectively once, as before).
 *
 * <p>Incremental: a chain is a full checkpoint and the deltas after it; when the deltas outgrow the
 * full one (and 1 MiB), or after {@value #MAX_DELTAS} of them, the checkpointer's thread merges the chain it
 * reads back from the store with the new changes ({@link ChangeChain}) and writes a full
 * checkpoint instead of the delta, so a restore reads a bounded chain. The task thread takes a
 * whole snapshot only for the first checkpoint after restoring one of the older format (or when
 * the store lost the chain), since older checkpoints hold no changes to continue from.
 */
final class Checkpointer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  /** The longest chain of deltas after a full checkpoint. */
  static final int MAX_DELTAS = 8;

  /** Deltas smaller than this in all are not compacted before {@link #MAX_DELTAS}. */
  private static final long MIN_COMPACTION_BYTES = 1 << 20;

  private final CheckpointStore store;
  private final String name;
  private final String applicationId;
  private final StreamLog log;
  private final UnaryOperator<String> streamOf;
  private final TaskMetrics metrics;
  private final BooleanSupplier leaseIntact;
  private ExecutorService writer;
  private Future<?> inFlight;

  // Whether the next checkpoint must be full: set at restore (task thread, nothing in flight) and
  // by the writer when the store lost the chain.
  private volatile boolean needFull = true;

  // The chain so far; used by the writer thread, and by restore() while nothing is in flight.
  private long lastSequence;
  private int deltas;
  private long fullBytes;
  private long deltaBytes;
  private Snapshot lastWritten;
  // Per source, the position last stored on the log as this application's consumer offset.
  private final Map<String, Long> storedOffsets = new HashMap<>();

  /**
   * @param streamOf the log's name of a source stream (a partitioned task reads a partition of it)
   * @param leaseIntact asked before each write: false skips it (a fenced task); null: never
   */
  Checkpointer(
      CheckpointStore store, String name, String applicationId, StreamLog log,
      UnaryOperator<String> streamOf, TaskMetrics metrics, BooleanSupplier leaseIntact) {
    this.store = store;
    this.name = name;
    this.applicationId = applicationId;
    this.log = log;
    this.streamOf = streamOf;
    this.metrics = metrics;
    this.leaseIntact = leaseIntact;
  }

  /**
   * Waits for a checkpoint in flight (its failure no longer matters: the newest durable chain is
   * what is restored), loads the newest chain into the task's stores, and returns its last
   * checkpoint (positions, ids, stream time, schedule), or null when there is none.
   */
  Checkpoint restore(StreamTask task) throws IOException {
    awaitQuietly();
    List<Checkpoint> chain = store.loadLatestChain();
    lastWritten = null;
    needFull = true;
    deltas = 0;
    deltaBytes = 0;
    fullBytes = 0;
    lastSequence = store.continueAfter(chain.isEmpty() ? 0 : end(chain).sequence());
    if (chain.isEmpty()) {
      return null;
    }
    LOG.info(
        "restoring from checkpoint {} in {}{}", end(chain).sequence(), store,
        chain.size() > 1 ? " (a chain of " + chain.size() + " from " + chain.get(0).sequence() + ")" : "");
    Checkpoint last = end(chain);
    Set<String> names = new LinkedHashSet<>(last.stores().keySet());
    chain.forEach(cp -> names.addAll(cp.changes().keySet()));
    for (String storeName : names) {
      StateStore s = task.stores().get(storeName);
      if (!(s instanceof CheckpointableStore cs)) {
        LOG.warn("checkpoint holds store '{}' the topology does not have; ignored", storeName);
        continue;
      }
      byte[] whole = last.stores().get(storeName);
      if (whole != null) {
        cs.readFrom(new DataInputStream(new ByteArrayInputStream(whole)));
      } else {
        List<byte[]> payloads = new ArrayList<>();
        for (Checkpoint cp : chain) {
          byte[] p = cp.changes().get(storeName);
          if (p != null) {
            payloads.add(p);
          }
        }
        ChangeChain merged = new ChangeChain(payloads);
        try {
          cs.restoreChanges(merged.header(), merged.entries());
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
    }
    for (Checkpoint cp : chain) {
      long bytes = cp.changes().values().stream().mapToLong(b -> b.length).sum();
      if (cp.full()) {
        fullBytes = bytes;
      } else {
        deltaBytes += bytes;
      }
    }
    deltas = chain.size() - 1;
    // A chain of changes continues as deltas; a checkpoint without changes (the older format)
    // gives incremental stores nothing to continue from.
    needFull = last.changes().isEmpty();
    return last;
  }

  /**
   * Whether a checkpoint is still being written; when the last one failed, throws its failure on
   * the task thread (a {@code LogException} makes the engine rebuild the task from the newest
   * durable checkpoint, anything else fails it, as a synchronous checkpoint did).
   */
  boolean busy() throws IOException {
    if (inFlight == null) {
      return false;
    }
    if (!inFlight.isDone()) {
      return true;
    }
    Future<?> done = inFlight;
    inFlight = null;
    rethrow(done);
    return false;
  }

  /**
   * Takes a checkpoint of {@code task} on the task thread and hands it to the checkpointer's
   * thread. The caller flushed every output and checked that nothing is in flight ({@link #busy}).
   *
   * @param pauseStart when the task stood still for this checkpoint ({@link System#nanoTime})
   * @return per source stream, the offset the checkpoint resumes from
   */
  Map<String, Long> take(StreamTask task, Map<String, Long> nextPublishingIds, long pauseStart)
      throws IOException {
    boolean full = needFull;
    Map<String, Long> offsets = new LinkedHashMap<>();
    for (int i = 0; i < task.sourceCount(); i++) {
      offsets.put(task.sourceStream(i), task.nextOffset(i));
    }
    Map<String, byte[]> whole = new LinkedHashMap<>();
    Map<String, StoreChanges> changes = new LinkedHashMap<>();
    for (StateStore s : task.stores().values()) {
      if (s instanceof CheckpointableStore cs) {
        if (full) {
          cs.markAllChanged();
        }
        StoreChanges c = cs.takeChanges();
        if (c != null) {
          changes.put(s.name(), c);
        } else {
          ByteArrayOutputStream bos = new ByteArrayOutputStream();
          cs.writeTo(new DataOutputStream(bos));
          whole.put(s.name(), bos.toByteArray());
        }
      }
    }
    needFull = false;
    Snapshot snapshot =
        new Snapshot(
            full, task.streamTime(), offsets, Map.copyOf(nextPublishingIds),
            task.streamTimeSchedule(), whole, changes);
    if (writer == null) {
      writer =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "coursepulse-checkpoint-" + name.replace(' ', '-'));
                t.setDaemon(true);
                return t;
              });
    }
    inFlight = writer.submit(() -> write(snapshot));
    metrics.checkpointPaused(System.nanoTime() - pauseStart);
    return offsets;
  }

  /** Waits until the checkpoint in flight is durable; throws its failure. */
  void awaitWritten() throws IOException {
    Future<?> f = inFlight;
    inFlight = null;
    if (f != null) {
      rethrow(f);
    }
  }

  private void awaitQuietly() {
    try {
      awaitWritten();
    } catch (IOException | RuntimeException e) {
      LOG.debug("engine {}: the checkpoint in flight failed: {}", name, e.toString());
    }
  }

  private static void rethrow(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a checkpoint was written");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /** On the checkpointer's thread: serializes, writes durably, then stores the positions. */
  private Void write(Snapshot s) throws IOException {
    long start = System.nanoTime();
    Map<String, byte[]> changes = new LinkedHashMap<>();
    boolean nothingChanged = true;
    long bytes = 0;
    for (Map.Entry<String, StoreChanges> e : s.changes().entrySet()) {
      nothingChanged &= e.getValue().isEmpty();
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      e.getValue().writeTo(new DataOutputStream(bos)); // always: it also ends copy-on-access
      changes.put(e.getKey(), bos.toByteArray());
      bytes += bos.size();
    }
    if (!s.full() && nothingChanged && s.samePositionsAs(lastWritten)) {
      return null; // an idle task: the newest checkpoint says all of this already
    }
    long sequence = lastSequence + 1;
    Checkpoint cp;
    boolean compact =
        !s.full()
            && (deltas + 1 >= MAX_DELTAS
                || deltaBytes + bytes > Math.max(fullBytes, MIN_COMPACTION_BYTES));
    List<Checkpoint> chain = compact ? store.chainEndingAt(lastSequence) : null;
    if (compact && chain == null) {
      LOG.warn(
          "engine {}: checkpoint {} is no longer in the checkpoint store; the next checkpoint will"
              + " be taken whole", name, lastSequence);
      needFull = true;
    }
    if (chain != null) {
      Map<String, byte[]> merged = new LinkedHashMap<>();
      Set<String> names = new LinkedHashSet<>();
      chain.forEach(c -> names.addAll(c.changes().keySet()));
      names.addAll(changes.keySet());
      bytes = 0;
      for (String storeName : names) {
        List<byte[]> payloads = new ArrayList<>();
        for (Checkpoint c : chain) {
          byte[] p = c.changes().get(storeName);
          if (p != null) {
            payloads.add(p);
          }
        }
        byte[] latest = changes.get(storeName);
        if (latest != null) {
          payloads.add(latest);
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        new ChangeChain(payloads).writeMerged(new DataOutputStream(bos));
        merged.put(storeName, bos.toByteArray());
        bytes += bos.size();
      }
      cp = s.toCheckpoint(sequence, merged, -1);
    } else {
      cp = s.toCheckpoint(sequence, changes, s.full() ? -1 : lastSequence);
    }
    if (leaseIntact != null && !leaseIntact.getAsBoolean()) {
      LOG.warn("engine {}: fenced before checkpoint {} was written; not written", name, sequence);
      return null;
    }
    long size = store.write(cp);
    lastSequence = sequence;
    lastWritten = s.positionsOnly();
    if (cp.full()) {
      deltas = 0;
      deltaBytes = 0;
      fullBytes = bytes;
    } else {
      deltas++;
      deltaBytes += bytes;
    }
    metrics.checkpointWritten(System.nanoTime() - start, size);
    storePositions(s.offsets());
    LOG.debug(
        "checkpoint {} written ({} bytes, {})", sequence, size, cp.full() ? "full" : "delta");
    return null;
  }

  private void storePositions(Map<String, Long> offsets) {
    for (Map.Entry<String, Long> e : offsets.entrySet()) {
      // Only positions that moved: on RabbitMQ each stored offset is an entry of the input stream,
      // and a new one behind an idle input's last message makes it look unfinished for a while.
      if (e.getValue() > 0 && !e.getValue().equals(storedOffsets.put(e.getKey(), e.getValue()))) {
        try {
          log.storeOffset(applicationId, streamOf.apply(e.getKey()), e.getValue() - 1);
        } catch (RuntimeException ex) {
          // The checkpoint is the source of truth; the broker offset is for operators' tools.
          storedOffsets.remove(e.getKey()); // try again at the next checkpoint
          LOG.warn("cannot store offset of '{}': {}", e.getKey(), ex.getMessage());
        }
      }
    }
  }

  private static Checkpoint end(List<Checkpoint> chain) {
    return chain.get(chain.size() - 1);
  }

  /** Waits for the checkpoint in flight (a consistent one, worth keeping) and stops the thread. */
  @Override
  public void close() {
    awaitQuietly();
    if (writer != null) {
      writer.shutdown();
      try {
        writer.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (store instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing the checkpoint store failed", e);
      }
    }
  }

  /** What the task thread took; the store changes are serialized later. */
  private record Snapshot(
      boolean full,
      long streamTime,
      Map<String, Long> offsets,
      Map<String, Long> nextPublishingIds,
      Map<String, Long> streamTimeSchedule,
      Map<String, byte[]> whole,
      Map<String, StoreChanges> changes) {

    Checkpoint toCheckpoint(long sequence, Map<String, byte[]> changeBytes, long previous) {
      return new Checkpoint(
          sequence, streamTime, offsets, nextPublishingIds, streamTimeSchedule, whole, changeBytes,
          previous);
    }

    /** This without the store changes (kept to compare with the next, not to hold their memory). */
    Snapshot positionsOnly() {
      return new Snapshot(
          full, streamTime, offsets, nextPublishingIds, streamTimeSchedule, whole, Map.of());
    }

    boolean samePositionsAs(Snapshot o) {
      if (o == null
          || streamTime != o.streamTime
          || !offsets.equals(o.offsets)
          || !nextPublishingIds.equals(o.nextPublishingIds)
          || !streamTimeSchedule.equals(o.streamTimeSchedule)
          || !whole.keySet().equals(o.whole.keySet())) {
        return false;
      }
      for (Map.Entry<String, byte[]> e : whole.entrySet()) {
        if (!Arrays.equals(e.getValue(), o.whole.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }
}
