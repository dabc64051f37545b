package coursepulse.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Fixed-size time windows for {@link KGroupedStream#windowedBy(TimeWindows)}: tumbling when the
 * advance equals the size (the default), hopping when it is smaller. Windows are aligned to the
 * epoch: a window starts at every multiple of the advance, covers {@code [start, start + size)},
 * and a record belongs to every window containing its timestamp.
 *
 * <p>A window closes when stream time reaches {@code end + grace}; records for a closed window are
 * dropped and counted. Immutable.
 *
 * <pre>{@code
 * TimeWindows.ofSizeAndGrace(Duration.ofDays(1), Duration.ofHours(1));            // tumbling
 * TimeWindows.ofSizeWithNoGrace(Duration.ofHours(1)).advanceBy(Duration.ofMinutes(15)); // hopping
 * }</pre>
 */
public final class TimeWindows {

  private final long sizeMs;
  private final long advanceMs;
  private final long graceMs;

  private TimeWindows(long sizeMs, long advanceMs, long graceMs) {
    if (sizeMs <= 0) {
      throw new IllegalArgumentException("window size must be positive: " + sizeMs + " ms");
    }
    if (advanceMs <= 0 || advanceMs > sizeMs) {
      throw new IllegalArgumentException(
          "window advance must be in (0, size=" + sizeMs + "]: " + advanceMs + " ms");
    }
    if (graceMs < 0) {
      throw new IllegalArgumentException("grace must not be negative: " + graceMs + " ms");
    }
    this.sizeMs = sizeMs;
    this.advanceMs = advanceMs;
    this.graceMs = graceMs;
  }

  /**
   * Tumbling windows of {@code size} with no grace: a window closes as soon as stream time reaches
   * its end.
   *
   * @throws IllegalArgumentException when size is not positive
   */
  public static TimeWindows ofSizeWithNoGrace(Duration size) {
    return ofSizeAndGrace(size, Duration.ZERO);
  }

  /**
   * Tumbling windows of {@code size} that accept out-of-order records until stream time reaches
   * {@code end + grace}.
   *
   * @throws IllegalArgumentException when size is not positive or grace is negative
   */
  public static TimeWindows ofSizeAndGrace(Duration size, Duration grace) {
    long sizeMs = Objects.requireNonNull(size, "size").toMillis();
    return new TimeWindows(sizeMs, sizeMs, Objects.requireNonNull(grace, "grace").toMillis());
  }

  /**
   * Hopping windows: a copy whose windows start every {@code advance}.
   *
   * @throws IllegalArgumentException when advance is not in {@code (0, size]}
   */
  public TimeWindows advanceBy(Duration advance) {
    return new TimeWindows(sizeMs, Objects.requireNonNull(advance, "advance").toMillis(), graceMs);
  }

  /** Window size in milliseconds. */
  public long sizeMs() {
    return sizeMs;
  }

  /** Advance in milliseconds; equal to the size for tumbling windows. */
  public long advanceMs() {
    return advanceMs;
  }

  /** Grace period in milliseconds. */
  public long gracePeriodMs() {
    return graceMs;
  }

  /**
   * The windows containing {@code timestampMs}, keyed and ordered by start. Windows never start
   * before 0.
   */
  public Map<Long, Window> windowsFor(long timestampMs) {
    long start = (Math.max(0, timestampMs - sizeMs + advanceMs) / advanceMs) * advanceMs;
    Map<Long, Window> windows = new LinkedHashMap<>();
    while (start <= timestampMs) {
      windows.put(start, new Window(start, start + sizeMs));
      start += advanceMs;
    }
    return windows;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeWindows w
        && w.sizeMs == sizeMs
        && w.advanceMs == advanceMs
        && w.graceMs == graceMs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sizeMs, advanceMs, graceMs);
  }

  @Override
  public String toString() {
    return "TimeWindows{sizeMs=" + sizeMs + ", advanceMs=" + advanceMs + ", graceMs=" + graceMs + '}';
  }
}
