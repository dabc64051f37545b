package coursepulse.engine;

/**
 * Gives a source record its event time. Must be deterministic (same value and log timestamp, same
 * result) so that replays order records identically.
 *
 * @param <V> value type of the source
 */
@FunctionalInterface
public interface TimestampExtractor<V> {

  /**
   * The event time of a record, in epoch milliseconds.
   *
   * @param value the deserialized value, never {@code null}
   * @param logTimestampMs the time the log stored the message
   * @return the event time; a negative value makes the engine drop the record as invalid
   */
  long extract(V value, long logTimestampMs);
}
