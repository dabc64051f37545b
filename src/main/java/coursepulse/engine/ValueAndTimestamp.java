package coursepulse.engine;

/**
 * A value with the event time of its latest update: what the stores materialized by the DSL
 * ({@link KGroupedStream#count}, {@link TimeWindowedKStream#aggregate}, {@link StreamsBuilder#table}
 * and the like) hold, because the timestamp of a table's update is the largest timestamp of the
 * records that built it.
 *
 * @param value the value, never {@code null} in a store
 * @param timestamp event time in epoch milliseconds
 * @param <V> value type
 */
public record ValueAndTimestamp<V>(V value, long timestamp) {

  /** A value and timestamp, or {@code null} when {@code value} is {@code null}. */
  public static <V> ValueAndTimestamp<V> make(V value, long timestamp) {
    return value == null ? null : new ValueAndTimestamp<>(value, timestamp);
  }

  /** The value of {@code valueAndTimestamp}, or {@code null} when it is {@code null}. */
  public static <V> V getValueOrNull(ValueAndTimestamp<V> valueAndTimestamp) {
    return valueAndTimestamp == null ? null : valueAndTimestamp.value();
  }
}
