package coursepulse.engine;

/**
 * A time window {@code [startMs, endMs)} in epoch milliseconds.
 *
 * @param startMs inclusive start
 * @param endMs exclusive end
 */
public record Window(long startMs, long endMs) {

  /**
   * @throws IllegalArgumentException when {@code endMs < startMs}
   */
  public Window {
    if (endMs < startMs) {
      throw new IllegalArgumentException(
          "window end " + endMs + " must not be before its start " + startMs);
    }
  }

  /** Whether {@code timestampMs} falls in {@code [startMs, endMs)}. */
  public boolean contains(long timestampMs) {
    return timestampMs >= startMs && timestampMs < endMs;
  }
}
