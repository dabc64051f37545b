package coursepulse.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Session windows for {@link KGroupedStream#windowedBy(SessionWindows)}: a key's records less than
 * or equal to the inactivity gap apart fall in one session, and a record that bridges two sessions
 * merges them. A session's {@link Window} is {@code [first record time, last record time]}: unlike
 * time windows, its end is <em>inclusive</em>.
 *
 * <p>A session closes when stream time passes {@code end + gap + grace}; records that would only
 * touch closed sessions are dropped and counted. Immutable.
 *
 * <pre>{@code
 * SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(5));
 * }</pre>
 */
public final class SessionWindows {

  private final long gapMs;
  private final long graceMs;

  private SessionWindows(long gapMs, long graceMs) {
    if (gapMs <= 0) {
      throw new IllegalArgumentException("inactivity gap must be positive: " + gapMs + " ms");
    }
    if (graceMs < 0) {
      throw new IllegalArgumentException("grace must not be negative: " + graceMs + " ms");
    }
    this.gapMs = gapMs;
    this.graceMs = graceMs;
  }

  /**
   * Sessions with the given inactivity gap and no grace.
   *
   * @throws IllegalArgumentException when the gap is not positive
   */
  public static SessionWindows ofInactivityGapWithNoGrace(Duration inactivityGap) {
    return ofInactivityGapAndGrace(inactivityGap, Duration.ZERO);
  }

  /**
   * Sessions with the given inactivity gap and grace.
   *
   * @throws IllegalArgumentException when the gap is not positive or grace is negative
   */
  public static SessionWindows ofInactivityGapAndGrace(Duration inactivityGap, Duration grace) {
    return new SessionWindows(
        Objects.requireNonNull(inactivityGap, "inactivityGap").toMillis(),
        Objects.requireNonNull(grace, "grace").toMillis());
  }

  /** Inactivity gap in milliseconds. */
  public long inactivityGapMs() {
    return gapMs;
  }

  /** Grace period in milliseconds. */
  public long gracePeriodMs() {
    return graceMs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionWindows w && w.gapMs == gapMs && w.graceMs == graceMs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(gapMs, graceMs);
  }

  @Override
  public String toString() {
    return "SessionWindows{gapMs=" + gapMs + ", graceMs=" + graceMs + '}';
  }
}
