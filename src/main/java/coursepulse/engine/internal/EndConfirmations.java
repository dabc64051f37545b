package coursepulse.engine.internal;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

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
 * <p>One per incarnation of a task, owned by its thread.
 */
final class EndConfirmations {

  private static final long NOT_AT_END = Long.MIN_VALUE;

  /** How long an input must stay silent below an unchanged last offset to count as ended. */
  private static final Duration QUIET_FOR_END = Duration.ofSeconds(1);

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

  EndConfirmations(EngineSettings settings, TaskPlacement placement, StreamTask task) {
    this.settings = settings;
    this.placement = placement;
    this.task = task;
    int n = task.sourceCount();
    endConfirmedAt = new long[n];
    quietEnd = new long[n];
    quietSince = new long[n];
    Arrays.fill(endConfirmedAt, NOT_AT_END);
    Arrays.fill(quietSince, -1);
  }

  /** Source {@code i} delivered a message: it is not at its end, and its quiet spell is over. */
  void messageArrived(int i) {
    endConfirmedAt[i] = NOT_AT_END;
    quietSince[i] = -1;
  }

  /** Drops what the log showed of source {@code i}: it is asked again at the end of a wait. */
  void forget(int i) {
    endConfirmedAt[i] = NOT_AT_END;
  }

  /** Asks the log whether source {@code i}, whose timed poll just came back empty, is at its end. */
  void askLog(int i) {
    endConfirmedAt[i] = lastOffsetBelowPosition(i) ? task.nextOffset(i) : NOT_AT_END;
  }

  /** Whether the log showed source {@code i} at its end at its current read position. */
  boolean confirmed(int i) {
    return endConfirmedAt[i] != NOT_AT_END && endConfirmedAt[i] == task.nextOffset(i);
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
}
