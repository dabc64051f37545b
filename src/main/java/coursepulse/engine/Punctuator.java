package coursepulse.engine;

/** A callback scheduled through {@link ProcessorContext#schedule}. */
@FunctionalInterface
public interface Punctuator {
  /**
   * @param timestamp the stream time or wall-clock time (per the schedule's type) at which it fires
   */
  void punctuate(long timestamp);
}
