package coursepulse.engine;

/** The time a punctuator follows. */
public enum PunctuationType {
  /** Event time: advances only as records arrive; deterministic under replay. */
  STREAM_TIME,
  /** The engine's clock; use for housekeeping, never for results that must replay identically. */
  WALL_CLOCK_TIME
}
