package coursepulse.engine.internal;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the inputs whose reader cannot tell its own end ({@link
 * coursepulse.engine.log.LogReader.Catchup#UNKNOWN}) are at their end, as the log showed when a
 * wait for them ran out ({@link #askLog}); an answer holds while the read position stays where it
 * was given.
 *
 * <p>An input is at its end when a timed poll came back empty <em>and</em> the log's last offset
 * is below the read position. On RabbitMQ 3.11 to 3.13 the reported last offset is the first
 * offset of the newest chunk, which is below the true end; but a reader past that offset has
 * received that whole chunk (the broker delivers chunks whole), and the timed poll gave the
 * client time to hand its remaining messages over. So the rule holds for exact and for
 * chunk-start last offsets.
 *
 * <p>The log is never asked on the task thread: a question can be a broker round trip (on RabbitMQ
 * 3.10 a connection and two subscriptions, up to a second on an empty stream), and the task must go
 * on flushing, checkpointing and closing meanwhile. Questions go to one thread of the task's own,
 * one question at a time per input. An answer counts only for the read position it was asked at,
 * and only if no message of that input arrived since; until it comes the input is not at its end
 * (the merge waits for it, as it waited for the call before). A question that failed fails the
 * task when its answer is read, as the call on the task thread did.
 *
 * <p>One per incarnation of a task, owned by its thread; {@link #close} ends its asking thread.
 */
final class EndConfirmations implements AutoCloseable {

  private static final long NOT_AT_END = Long.MIN_VALUE;

  /** How long an input must stay silent below an unchanged last offset to count as ended. */
  private static final Duration QUIET_FOR_END = Duration.ofSeconds(1);

  /**
   * How long asking waits for a prompt answer before the task goes on: a log in this process
   * answers within it, so the merge decides in the same wait as when it asked on its own thread.
   */
  private static final long PROMPT_ANSWER_NANOS = Duration.ofMillis(2).toNanos();

  /** A question about one input's end: the read position it is about, and the log's answer. */
  private record Question(long position, CompletableFuture<Optional<StreamStats>> answer) {}

  private final EngineSettings settings;
  private final TaskPlacement placement;
  private final StreamTask task;
  // Per source: the read position at which a timed poll came back empty while the log's last
  // offset was below that position (the input is at its end there), else NOT_AT_END.
  private final long[] endConfirmedAt;
  // Per source: the log's last offset at the first empty poll of the current quiet spell (when it
  // was at or past the read position), and when that spell began (System.nanoTime), else -1.
  private final long[] quietEnd;
  private final long[] quietSince;
  // Per source: the question being asked, null when none.
  private final Question[] asking;
  private final String threadName;
  // Started with the first question: most tasks never ask (their readers know their end).
  private ExecutorService asker;

  EndConfirmations(EngineSettings settings, TaskPlacement placement, StreamTask task) {
    this.settings = settings;
    this.placement = placement;
    this.task = task;
    int n = task.sourceCount();
    endConfirmedAt = new long[n];
    quietEnd = new long[n];
    quietSince = new long[n];
    asking = new Question[n];
    threadName = "coursepulse-end-question-" + placement.describe(settings.applicationId());
    Arrays.fill(endConfirmedAt, NOT_AT_END);
    Arrays.fill(quietSince, -1);
  }

  /** Source {@code i} delivered a message: it is not at its end, and its quiet spell is over. */
  void messageArrived(int i) {
    endConfirmedAt[i] = NOT_AT_END;
    quietSince[i] = -1;
    // An answer still to come was asked before this message: it must not confirm an end the
    // message disproves (a record the stream-time guard holds leaves the read position where the
    // question was asked).
    asking[i] = null;
  }

  /**
   * Drops what the log showed of source {@code i}, and the answer still to come: it is asked
   * again at the end of a wait.
   */
  void forget(int i) {
    endConfirmedAt[i] = NOT_AT_END;
    asking[i] = null;
  }

  /**
   * Asks the log whether source {@code i}, whose timed poll just came back empty, is at its end,
   * unless that question is still being asked; waits {@link #PROMPT_ANSWER_NANOS} at most.
   */
  void askLog(int i) {
    takeAnswer(i);
    if (asking[i] != null) {
      return;
    }
    String stream = placement.streamOf(task.sourceStream(i));
    Question q =
        new Question(
            task.nextOffset(i),
            CompletableFuture.supplyAsync(() -> settings.log().stats(stream), asker()));
    asking[i] = q;
    try {
      q.answer().get(PROMPT_ANSWER_NANOS, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return; // read at a later look
    } catch (java.util.concurrent.ExecutionException e) {
      // read (and thrown) below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    takeAnswer(i);
  }

  /** Whether the log showed source {@code i} at its end at its current read position. */
  boolean confirmed(int i) {
    takeAnswer(i);
    return endConfirmedAt[i] != NOT_AT_END && endConfirmedAt[i] == task.nextOffset(i);
  }

  /** Ends the asking thread; a question still being asked is not waited for. */
  @Override
  public void close() {
    if (asker != null) {
      asker.shutdownNow();
    }
  }

  private ExecutorService asker() {
    if (asker == null) {
      asker =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
    }
    return asker;
  }

  /**
   * Reads the answer to source {@code i}'s question if it came: it confirms the end at the
   * position it was asked about, and only while the input is still there.
   *
   * @throws RuntimeException what the log threw when asked
   */
  private void takeAnswer(int i) {
    Question q = asking[i];
    if (q == null || !q.answer().isDone()) {
      return;
    }
    asking[i] = null;
    Optional<StreamStats> stats;
    try {
      stats = q.answer().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
    if (q.position() != task.nextOffset(i)) {
      return; // the input moved on since: the answer is about a position it left
    }
    endConfirmedAt[i] = lastOffsetBelowPosition(i, stats) ? q.position() : NOT_AT_END;
  }

  private boolean lastOffsetBelowPosition(int i, Optional<StreamStats> stats) {
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
}
