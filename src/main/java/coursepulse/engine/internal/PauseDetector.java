package coursepulse.engine.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that this process stood still (SIGSTOP then SIGCONT, a stop-the-world pause, a
 * suspended VM) for at least {@code threshold}: long enough for the log to have given its
 * partitions to another instance without asking (see {@code GroupMembership#leaseTimeout}). A
 * daemon thread ticks every {@code threshold / 4} (at most every 250 ms) and counts a pause when two
 * ticks lie {@code threshold} or more apart.
 *
 * <p>Writers check {@link #intact(long)} with the pause count they started under before each
 * write. The check cannot be fooled by which thread runs first after a pause: the ticker raises
 * the count before it records the new tick time, so a writer that reads the new tick time also
 * sees the new count, and one that reads the old tick time sees it lie too far back. Only a pause
 * that falls between the check and the write itself slips through; the log's deduplication of
 * deterministic publishing ids covers that window (docs/scaling.md).
 *
 * <p>Uses {@link System#nanoTime()}: a liveness decision about this process, not event time.
 */
final class PauseDetector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PauseDetector.class);

  private final long thresholdNanos;
  private final long tickNanos;
  private final LongConsumer onPause;
  private final Thread thread;
  private volatile long pauses;
  private volatile long lastTick;
  private volatile boolean closed;

  /**
   * @param threshold the shortest stand-still that counts as a pause
   * @param onPause told the stand-still in nanoseconds, on the detector's thread, after the count
   *     went up; must return promptly
   */
  PauseDetector(Duration threshold, String name, LongConsumer onPause) {
    this.thresholdNanos = threshold.toNanos();
    this.tickNanos = Math.max(1_000_000L, Math.min(thresholdNanos / 4, 250_000_000L));
    this.onPause = onPause;
    this.lastTick = System.nanoTime();
    this.thread = new Thread(this::run, "coursepulse-pause-detector-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The number of pauses so far: what a writer starts under. */
  long pauses() {
    return pauses;
  }

  /**
   * Whether no pause happened since the count was {@code startedUnder}, as far as anyone can know
   * now.
   */
  boolean intact(long startedUnder) {
    long tick = lastTick; // before the count: see the class comment
    return pauses == startedUnder && System.nanoTime() - tick < thresholdNanos;
  }

  private void run() {
    while (!closed) {
      try {
        TimeUnit.NANOSECONDS.sleep(tickNanos);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long gap = now - lastTick;
      if (gap >= thresholdNanos && !closed) {
        pauses++; // single writer
        lastTick = now;
        LOG.warn(
            "this process stood still for {} ms (at least the lease timeout of {} ms): the log may"
                + " have given its partitions to other instances",
            TimeUnit.NANOSECONDS.toMillis(gap), TimeUnit.NANOSECONDS.toMillis(thresholdNanos));
        try {
          onPause.accept(gap);
        } catch (RuntimeException e) {
          LOG.warn("handling a pause failed: {}", e.toString(), e);
        }
      } else {
        lastTick = now;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
