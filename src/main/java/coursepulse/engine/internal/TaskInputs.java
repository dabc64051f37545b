package coursepulse.engine.internal;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A task's inputs and the merge over them: one reader per source, drained into the task's queues
 * (bounded per source), and the answers the merge needs to process in timestamp order: whether
 * the next record may go now ({@link #mayProcess}: every other input has a record or is known to
 * be at its end, else after {@code maxTaskIdle}), how long to wait for an empty input, and when
 * an input counts as ended ({@link #atEnd}).
 *
 * <p>Owned by the task thread: opened with each incarnation of the task ({@link #open}), closed
 * when that incarnation ends or is thrown away ({@link #close}).
 */
final class TaskInputs {

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

  private final EngineSettings settings;
  private final TaskPlacement placement;
  private final String name;
  private final Logger log;
  private final ResumeGapCheck resumeGaps;
  private final boolean sharedThread;
  private final boolean coreToSpare;
  private final BooleanSupplier stopRequested;

  private StreamTask task;
  private LogReader[] readers = new LogReader[0];
  // Per source: takes a message drained from its reader into the task (see fetch).
  private Consumer<LogMessage>[] intake;
  private boolean fetchedInPass;
  // Whether inputs whose reader cannot tell are at their end, as the log showed at the last wait.
  private EndConfirmations ends;
  // Per source: the offset of the last message taken from the reader, -1 before any; guards the
  // task against messages a recovering subscription delivers twice or skips.
  private long[] lastRead;
  private boolean[] readSinceSubscribe;
  // Per source: the exclusive end offset from the builder's stopAt, else Long.MAX_VALUE.
  private long[] stopAt;
  // Per source: whether every offset below stopAt has been read (or the reader went past it).
  private boolean[] stopReached;
  // Since when (clock millis) the merge has waited for an empty input that is still open (up to
  // maxTaskIdle), else -1.
  private long idleSince = -1;
  // The current wait of waitForInput while nothing is buffered (see MAX_IDLE_WINDOW_NANOS).
  private long idleWindowNanos;
  // On shared task threads a wait spans several passes (one slice each): the deadline of the
  // window in progress (System.nanoTime) and its length, else waitDeadline is 0 with waitWindow 0.
  private long waitDeadline;
  private long waitWindow;
  // Whether the last waitForInput returned before the end of its window to let other tasks run.
  private boolean waitYielded;

  /**
   * @param name what the log lines call the task
   * @param log the runtime's logger, so the lines keep their origin
   * @param sharedThread whether the task runs in turn with others ({@link TaskThreads}): then one
   *     pass waits one slice and the rest of its wait window carries over to the next pass
   * @param coreToSpare whether the process has a core beside its task threads: a reader that
   *     would start a thread of its own to decode on is offered the decoder only then (on two
   *     cores, two task threads and an embedded reader's decoding thread ran 20 % slower than the
   *     two task threads decoding themselves)
   * @param stopRequested true ends a wait at once
   */
  TaskInputs(
      EngineSettings settings, TaskPlacement placement, String name, Logger log,
      boolean sharedThread, boolean coreToSpare, BooleanSupplier stopRequested) {
    this.settings = settings;
    this.placement = placement;
    this.name = name;
    this.log = log;
    this.resumeGaps = new ResumeGapCheck(settings.log(), name, log);
    this.sharedThread = sharedThread;
    this.coreToSpare = coreToSpare;
    this.stopRequested = stopRequested;
  }

  /**
   * Opens a reader per source of {@code task}: at the checkpoint's offset, which becomes the
   * task's read position, or without one where the settings start the source.
   *
   * @param checkpointed per source stream, the next offset of the checkpoint the task was restored
   *     from; empty without one
   */
  @SuppressWarnings("unchecked") // the array of per-source intakes
  void open(StreamTask task, Map<String, Long> checkpointed) {
    this.task = task;
    idleSince = -1;
    int n = task.sourceCount();
    readers = new LogReader[n];
    intake = new Consumer[n];
    ends = new EndConfirmations(settings, placement, task);
    lastRead = new long[n];
    readSinceSubscribe = new boolean[n];
    stopAt = new long[n];
    stopReached = new boolean[n];
    for (int i = 0; i < n; i++) {
      String stream = task.sourceStream(i);
      Long next = checkpointed.get(stream);
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
      log.info("engine {}: reading '{}' from {}", name, placement.streamOf(stream), from);
      readers[i] = settings.log().reader(placement.streamOf(stream), from);
      if (coreToSpare || !readers[i].decodesOnAThreadOfItsOwn()) {
        readers[i].decodeOnArrival(task.decoder(i));
      }
      final int source = i;
      intake[i] = m -> fetchedInPass |= accept(source, m);
    }
  }

  /**
   * Takes into the task what each reader received so far, up to each source's buffer bound.
   *
   * @return whether the task took any message
   */
  boolean fetch() {
    int capacity = settings.maxBufferedRecordsPerSource();
    fetchedInPass = false;
    for (int i = 0; i < readers.length; i++) {
      // What the reader received so far, in one hand-off (a chunk's worth on RabbitMQ), not one
      // locked queue operation per message.
      if (!stopReached[i] && task.buffered(i) < capacity) {
        readers[i].drain(capacity - task.buffered(i), intake[i]);
      }
    }
    if (fetchedInPass) {
      idleWindowNanos = 0;
    }
    return fetchedInPass;
  }

  /** Ends a wait a shared thread's earlier pass began: input came or went. */
  void endCarriedWait() {
    waitWindow = 0;
  }

  /**
   * Waits for input ({@link #waitForInput}), for a pass that found nothing to process.
   *
   * @return true when no input came during the whole wait, nothing is buffered and every input is
   *     at its end: the task is idle
   */
  boolean idleAfterWait() {
    // (asked again after allAtEnd, which may release a record the stream-time guard held)
    return !waitForInput() && !waitYielded && !task.anyBuffered() && allAtEnd()
        && !task.anyBuffered();
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
        log.debug(
            "engine {}: '{}' continues at offset {} after {} (offsets without messages)",
            name, task.sourceStream(i), offset, last);
        lastRead[i] = offset;
        ends.messageArrived(i);
        task.addRecord(i, offset, m.timestamp(), m.body(), m.decoded());
        return true;
      }
      // the stream this task reads: a partition of a partitioned source, whose offsets these are
      resumeGaps.resumedBeyond(placement.streamOf(task.sourceStream(i)), offset, last + 1);
    }
    lastRead[i] = offset;
    readSinceSubscribe[i] = true;
    ends.messageArrived(i);
    task.addRecord(i, offset, m.timestamp(), m.body(), m.decoded());
    if (offset + 1 >= stopAt[i]) {
      stopReached[i] = true;
    }
    return true;
  }

  /**
   * Whether the next record may be processed now, given empty inputs and maxTaskIdle; while the
   * task follows the order of an earlier incarnation, whether the record it names is here.
   */
  boolean mayProcess() {
    int ordered = task.orderedSource();
    if (ordered >= 0) {
      int missing = missingForOrder(ordered);
      if (missing < 0) {
        return true;
      }
      if (!atEnd(missing)) {
        return false; // it was read before, so the log has it
      }
      // (at its end, the stream-time guard may have released the record it held: look again)
      missing = missingForOrder(ordered);
      if (missing < 0) {
        return true;
      }
      // Read to its end and still not here: held back or dead-lettered by the stream-time guard,
      // whose decisions from a restored stream time can differ from the run that took the order.
      log.warn(
          "engine {}: cannot follow the order of the records taken before the log failure ('{}'"
              + " has no record where {} more were to come); merging by timestamp from here on",
          name, task.sourceStream(missing), task.abandonOrder());
    }
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
   * The source whose record the order needs next and which has none (queued or held by the
   * stream-time guard), or -1.
   */
  private int missingForOrder(int ordered) {
    if (ordered == ProcessingOrder.MERGED) {
      return firstWithoutNext();
    }
    return task.buffered(ordered) > 0 ? -1 : ordered;
  }

  /**
   * Whether source {@code i} (with an empty queue) is known to have nothing more in the log: from
   * what its reader already knows ({@link LogReader#catchup}), or, for a reader that cannot tell,
   * from the last {@link #waitForInput} that asked the log. When it is, the task hears of it
   * ({@link StreamTask#sourceAtEnd}): a record the stream-time guard holds for the source may be
   * released by the other inputs catching up with it, and must be before the merge goes on past
   * its time.
   */
  private boolean atEnd(int i) {
    boolean end;
    if (stopReached[i]) {
      end = true;
    } else {
      LogReader.Catchup known = readers[i].catchup();
      end =
          known != LogReader.Catchup.UNKNOWN
              ? known == LogReader.Catchup.CAUGHT_UP
              : ends.confirmed(i);
    }
    if (end) {
      task.sourceAtEnd(i);
    }
    return end;
  }

  /**
   * Polls each empty input with a timeout; when none delivers, checks which of them are at the end
   * of their stream.
   *
   * <p>Only inputs whose reader cannot tell by itself ({@link LogReader.Catchup#UNKNOWN}) need the
   * log asked ({@link EndConfirmations}); the others are never asked about, and the wait ends early
   * when they show that records already buffered may be processed.
   *
   * @return true when a message arrived
   */
  private boolean waitForInput() {
    waitYielded = false;
    boolean anyEmpty = false;
    for (int i = 0; i < readers.length; i++) {
      anyEmpty |= task.buffered(i) == 0 && !stopReached[i];
    }
    if (!anyEmpty || stopRequested.getAsBoolean()) {
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
    long passEnd = sharedThread ? System.nanoTime() + slice : Long.MAX_VALUE;
    long remaining = deadline - System.nanoTime();
    while (remaining > 0 && !stopRequested.getAsBoolean()) {
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
    if (stopRequested.getAsBoolean()) {
      return false;
    }
    for (int i = 0; i < readers.length; i++) {
      if (task.buffered(i) == 0 && readers[i].catchup() == LogReader.Catchup.UNKNOWN) {
        ends.askLog(i);
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
          ends.forget(i);
        }
      }
    }
    accept(source, m);
  }

  /** The first source without a next record (queued or held by the stream-time guard), or -1. */
  private int firstWithoutNext() {
    for (int i = 0; i < readers.length; i++) {
      if (!task.hasNext(i)) {
        return i;
      }
    }
    return -1;
  }

  private boolean allAtEnd() {
    for (int i = 0; i < readers.length; i++) {
      if (!atEnd(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Closes the readers; failures are logged, not thrown. {@code abandon}: the task is thrown away,
   * so the readers are released without waiting for the log ({@link LogReader#abandon}).
   */
  void close(boolean abandon) {
    if (!abandon) {
      resumeGaps.awaitAnswers();
    }
    if (ends != null) {
      ends.close();
    }
    for (LogReader r : readers) {
      if (r != null) {
        try {
          if (abandon) {
            r.abandon();
          } else {
            r.close();
          }
        } catch (RuntimeException e) {
          log.debug("closing reader failed", e);
        }
      }
    }
    readers = new LogReader[0];
  }
}
