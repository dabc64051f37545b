package coursepulse.lms.publish;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds events back so that simulated time advances {@code speed} seconds per wall-clock second,
 * measured from the first event it paces. {@link #unlimited()} never waits. Not thread-safe,
 * except {@link #stop()}.
 */
public final class Pacer {
  private final double speed;
  private long anchorSim = Long.MIN_VALUE;
  private long anchorNanos;
  private volatile boolean stopped;
  private volatile Thread waiter;

  /** Thrown by {@link #await} once {@link #stop()} was called: the feed ends there. */
  public static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("publishing stopped");
    }
  }

  private Pacer(double speed) {
    this.speed = speed;
  }

  /** No pacing: as fast as the sink takes events. */
  public static Pacer unlimited() {
    return new Pacer(Double.POSITIVE_INFINITY);
  }

  /**
   * Paces at {@code speed} simulated seconds per wall second.
   *
   * @throws IllegalArgumentException when speed is not positive
   */
  public static Pacer of(double speed) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed must be > 0 or 'max', was " + speed);
    }
    return new Pacer(speed);
  }

  /** Parses a number of simulated seconds per wall second, or {@code max}. */
  public static Pacer parse(String text) {
    if (text == null || text.trim().equalsIgnoreCase("max")) {
      return unlimited();
    }
    try {
      return of(Double.parseDouble(text.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "cannot read speed '" + text + "': use simulated seconds per second (e.g. 3600) or max");
    }
  }

  public boolean isUnlimited() {
    return Double.isInfinite(speed);
  }

  /**
   * Ends the feed that this pacer paces: the waiting or next {@link #await} throws {@link
   * Stopped}, at any speed. Any thread may call it, e.g. a shutdown hook: unlike an interrupt,
   * it cannot land in the log's file I/O (an interrupted FileChannel closes itself).
   */
  public void stop() {
    stopped = true;
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  /**
   * Waits until the wall clock has caught up with {@code epochSecond}.
   *
   * @throws Stopped once {@link #stop()} was called
   */
  public void await(long epochSecond) {
    if (stopped) {
      throw new Stopped();
    }
    if (isUnlimited()) {
      return;
    }
    if (anchorSim == Long.MIN_VALUE) {
      anchorSim = epochSecond;
      anchorNanos = System.nanoTime();
      return;
    }
    long due = anchorNanos + (long) ((epochSecond - anchorSim) * 1e9 / speed);
    long wait;
    waiter = Thread.currentThread();
    try {
      while ((wait = due - System.nanoTime()) > 0) {
        if (stopped) {
          throw new Stopped();
        }
        LockSupport.parkNanos(wait);
        if (Thread.currentThread().isInterrupted()) {
          throw new IllegalStateException("interrupted while pacing");
        }
      }
    } finally {
      waiter = null;
    }
  }
}
