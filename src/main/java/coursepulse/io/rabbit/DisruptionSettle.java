package coursepulse.io.rabbit;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a reader of a {@link RabbitStreamLog} may count as caught up again after a connection of
 * the log was lost or regained (a broker restart, a cluster node lost, a stream leader moved).
 *
 * <p>After such a disruption the member a subscription reads from may be a replica that is still
 * catching up with a newly elected leader: quiet while the log holds more. Read as caught up on
 * its quiet alone, the other inputs of a merge run ahead of it (docs/reliability.md). So for
 * {@code minimum} after the last loss or recovery no reader counts as caught up by what it
 * received, and after that only once it has received a message of a chunk written since the last
 * loss (the chunk's timestamp, set by the leader that wrote it): the member it reads from then
 * follows a leader that is writing again, and holds everything written before that chunk. A
 * stream with nothing new to deliver would wait for ever, so the wait ends at {@code maximum}
 * after the last loss or recovery in any case.
 *
 * <p>A fixed period alone was not enough: in a CI run a failover took 10 s where the others had
 * taken 5, the replica serving {@code 02-Login} got the records written after it later than the
 * other inputs' members got theirs, and {@code ClusterFailoverIT}'s processor ran two simulated
 * weeks of activity ahead of the logins (94 alerts differed from the replay).
 *
 * <p>What a fresh chunk proves is that the member holds everything written up to it, not that it
 * has reached the leader's current end: a member that falls behind again right after it is read
 * as caught up on its quiet as before. And it rests on two clocks: chunk timestamps are the
 * writing leader's wall clock ({@code erlang:system_time(millisecond)} when it wrote the chunk;
 * replicas keep the header), the loss time is this process's. A broker clock behind this one
 * delays the end of the wait by the difference (at most up to {@code maximum}); one ahead by more
 * than the client takes to notice a loss lets the old leader's last chunks count as fresh. On one
 * host, or hosts kept in step by NTP, neither matters.
 *
 * <p>Every loss and recovery of any connection of the log starts the wait again, for every
 * reader. A connection that fails again and again within {@code maximum} therefore holds an input
 * that receives nothing for as long as that goes on, as the fixed settle did below its 5 s.
 */
final class DisruptionSettle {

  // The readers' lines, under the readers' name.
  private static final Logger LOG = LoggerFactory.getLogger(RabbitLogReader.class);

  private final long minimumNanos;
  private final long maximumNanos;
  private final LongSupplier nanoClock;
  private final LongSupplier wallClock;
  // Written by the client's threads on a state change, read by the readers' callers: when a
  // connection was last lost or regained (nano clock), and when one was last lost (wall clock).
  private volatile long lastNanos;
  private volatile long lastLossWallMillis = Long.MIN_VALUE;
  private volatile boolean ever;
  // Losses and recoveries so far: tells one wait from the next (for the readers' log lines).
  private volatile long disruptions;

  /** Why a reader is held behind, if it is. */
  enum Hold {
    /** Not held: its quiet counts. */
    NONE,
    /** Within the minimum after the last loss or recovery. */
    SETTLING,
    /** After the minimum, no chunk written since the last loss received yet. */
    AWAITING_FRESH_CHUNK
  }

  DisruptionSettle(Duration minimum, Duration maximum) {
    this(minimum, maximum, System::nanoTime, System::currentTimeMillis);
  }

  DisruptionSettle(
      Duration minimum, Duration maximum, LongSupplier nanoClock, LongSupplier wallClock) {
    if (maximum.compareTo(minimum) < 0) {
      throw new IllegalArgumentException(
          "the longest settle (" + maximum + ") must not be shorter than the shortest (" + minimum
              + ")");
    }
    this.minimumNanos = minimum.toNanos();
    this.maximumNanos = maximum.toNanos();
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
  }

  /** A subscription or producer of the log lost its connection. */
  void lost() {
    // the wall time first: a reader that sees the new nano time must not compare with an old one
    lastLossWallMillis = wallClock.getAsLong();
    regained();
  }

  /**
   * A subscription of the log got its connection back: the member it now reads from may still be
   * catching up, so the wait starts again; a chunk written since the loss still ends it.
   */
  void regained() {
    lastNanos = nanoClock.getAsLong();
    ever = true;
    // written by one client thread at a time in practice; a lost count costs a log line
    disruptions++;
  }

  /** How many losses and recoveries there have been. */
  long disruptions() {
    return disruptions;
  }

  /** Whether a chunk written at {@code chunkMillis} was written since the last loss. */
  boolean writtenSinceLoss(long chunkMillis) {
    return chunkMillis >= lastLossWallMillis;
  }

  /**
   * Whether and why a reader must read as behind whatever it received.
   *
   * @param newestChunkMillis the timestamp of the newest chunk the reader received a message of,
   *     {@link Long#MIN_VALUE} for none
   */
  Hold hold(long newestChunkMillis) {
    if (!ever) {
      return Hold.NONE;
    }
    long since = nanoClock.getAsLong() - lastNanos;
    if (since < minimumNanos) {
      return Hold.SETTLING;
    }
    return since < maximumNanos && !writtenSinceLoss(newestChunkMillis)
        ? Hold.AWAITING_FRESH_CHUNK
        : Hold.NONE;
  }

  /** One reader's view of the rule, which says in the log when it waits for a fresh chunk. */
  ReaderWait readerWait(String stream) {
    return new ReaderWait(stream);
  }

  /**
   * Whether the settle holds one reader behind. Says so once per disruption when it holds it past
   * the minimum for want of a chunk written since the loss, and again when that ends, so that a
   * pause of the whole merge after a failover can be told apart in the log from a stall. Used by
   * the reader's caller thread only.
   */
  final class ReaderWait {
    private final String stream;
    // The disruption count when this reader was last found waiting for a fresh chunk; -1: not.
    private long waitingSince = -1;

    private ReaderWait(String stream) {
      this.stream = stream;
    }

    /** @param newestChunkMillis as for {@link DisruptionSettle#hold} */
    boolean holds(long newestChunkMillis) {
      Hold hold = hold(newestChunkMillis);
      if (hold == Hold.AWAITING_FRESH_CHUNK && waitingSince != disruptions) {
        waitingSince = disruptions;
        LOG.info(
            "stream '{}': behind until it delivers a message written since the last lost"
                + " connection of this log (its member may be a replica still catching up; at most"
                + " {} s)",
            stream, maximumNanos / 1_000_000_000L);
      } else if (hold == Hold.NONE && waitingSince >= 0) {
        waitingSince = -1;
        if (writtenSinceLoss(newestChunkMillis)) {
          LOG.info(
              "stream '{}': delivered a message written since the lost connection; caught up on"
                  + " its quiet again",
              stream);
        } else {
          LOG.info(
              "stream '{}': no message written since the lost connection arrived within {} s;"
                  + " caught up on its quiet again",
              stream, maximumNanos / 1_000_000_000L);
        }
      }
      return hold != Hold.NONE;
    }
  }
}
