package coursepulse.engine;

/**
 * Combines a stream record's value with the matching table value, for {@link KStream#join} and
 * {@link KStream#leftJoin}.
 *
 * @param <V1> stream value type
 * @param <V2> table value type
 * @param <R> joined value type
 */
@FunctionalInterface
public interface ValueJoiner<V1, V2, R> {

  /**
   * The joined value.
   *
   * @param value1 the stream record's value, never {@code null}
   * @param value2 the table's value for the record's key; {@code null} only in a left join when
   *     the table has no value for the key
   */
  R apply(V1 value1, V2 value2);
}
