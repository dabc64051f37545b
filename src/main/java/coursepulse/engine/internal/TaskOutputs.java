package coursepulse.engine.internal;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Where a task's sink records and dead letters go on the log: one writer per sink stream, which
 * numbers its records with deterministic publishing ids, and one per source stream for its dead
 * letters. Every write first checks the task's lease.
 *
 * <p>Sink records of stream {@code s} are written under the task's producer name for {@code s}
 * ({@link TaskPlacement#producerName}) with publishing ids 1, 2, 3... in processing order; the
 * next ids are part of each checkpoint ({@link #nextPublishingIds}). Dead letters use producer
 * {@code <applicationId>-dlq-<source>} with publishing id {@code offset + 1}, deterministic too.
 *
 * <p>Owned by the task thread: opened with each incarnation of the task ({@link #open}), closed
 * when that incarnation ends or is thrown away ({@link #close}).
 */
final class TaskOutputs implements RecordCollector {

  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

  private final EngineSettings settings;
  private final TaskPlacement placement;
  private final TaskLease lease;
  private final Logger log;
  private final Map<String, LogWriter> writers = new LinkedHashMap<>();
  private final Map<String, Long> nextPublishingId = new LinkedHashMap<>();
  private final Map<String, LogWriter> deadLetterWriters = new HashMap<>();

  /** @param log the runtime's logger, so the lines keep their origin */
  TaskOutputs(EngineSettings settings, TaskPlacement placement, TaskLease lease, Logger log) {
    this.settings = settings;
    this.placement = placement;
    this.lease = lease;
    this.log = log;
  }

  /**
   * Opens a writer per sink stream.
   *
   * @param checkpointed per sink stream, the next publishing id of the checkpoint the task was
   *     restored from; empty without one
   */
  void open(Map<String, Long> checkpointed) {
    for (String stream : settings.graph().sinkStreams()) {
      LogWriter w =
          settings.log().writer(stream, placement.producerName(settings.applicationId(), stream));
      writers.put(stream, w);
      Long id = checkpointed.get(stream);
      if (id == null) {
        // Without a checkpoint a replay from the first offset re-derives the ids of an earlier
        // run (and the log drops its duplicates); any other start continues after the log.
        id = startsFromFirst() ? 1L : w.lastPublishingId() + 1;
        id = Math.max(1L, id);
      }
      nextPublishingId.put(stream, id);
    }
  }

  /** Whether every source starts from its first offset without a checkpoint (ids then start at 1). */
  boolean startsFromFirst() {
    for (String stream : settings.graph().sourceStreams()) {
      if (!(settings.startFrom(stream) instanceof OffsetSpec.First)) {
        return false;
      }
    }
    return true;
  }

  /** Per sink stream, the publishing id of its next record (a read-only view). */
  Map<String, Long> nextPublishingIds() {
    return Collections.unmodifiableMap(nextPublishingId);
  }

  @Override
  public void send(String stream, Object key, byte[] value, long timestamp) {
    lease.check();
    long id = nextPublishingId.get(stream);
    writers.get(stream).append(id, value);
    nextPublishingId.put(stream, id + 1);
  }

  @Override
  public String deadLetterDestination(String applicationId) {
    return settings.writeDeadLetters()
        ? DeadLetter.streamName(applicationId)
        : "no stream (this run counts dead letters without writing them)";
  }

  @Override
  public void sendDeadLetter(String sourceStream, long offset, byte[] deadLetter, long ts) {
    if (!settings.writeDeadLetters()) {
      return; // counted by the task, not written
    }
    lease.check();
    LogWriter w = deadLetterWriters.get(sourceStream);
    if (w == null) {
      // The engine declared the stream at its start (StreamEngine.start). Opening the writer
      // asks the log, which may take a while: the lease is checked again before the append.
      // Per source partition: dead letters are numbered by source offset.
      w = settings.log().writer(
          DeadLetter.streamName(settings.applicationId()),
          settings.applicationId() + "-dlq-" + placement.streamOf(sourceStream));
      deadLetterWriters.put(sourceStream, w);
      lease.check();
    }
    w.append(offset + 1, deadLetter);
  }

  /** Waits until the log has stored every record written so far (the caller checks the lease). */
  void flush() {
    for (LogWriter w : writers.values()) {
      w.flush(FLUSH_TIMEOUT);
    }
    for (LogWriter w : deadLetterWriters.values()) {
      w.flush(FLUSH_TIMEOUT);
    }
  }

  /**
   * Closes every writer; failures are logged, not thrown. {@code abandon}: the task is thrown away
   * (failed, or rebuilt after a log failure), so writers are released without waiting for
   * confirmations; its outputs since the last checkpoint are derived again under the same
   * publishing ids.
   */
  void close(boolean abandon) {
    for (LogWriter w : List.copyOf(writers.values())) {
      release(w, abandon);
    }
    for (LogWriter w : List.copyOf(deadLetterWriters.values())) {
      release(w, abandon);
    }
    writers.clear();
    deadLetterWriters.clear();
    nextPublishingId.clear();
  }

  private void release(LogWriter w, boolean abandon) {
    try {
      if (abandon) {
        w.abandon();
      } else {
        w.close();
      }
    } catch (RuntimeException e) {
      log.debug("closing writer failed", e);
    }
  }
}
