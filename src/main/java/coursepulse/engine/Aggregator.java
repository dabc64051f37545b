package coursepulse.engine;

/**
 * Folds one record into an aggregate, for {@code aggregate} operations.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <VA> aggregate type
 */
@FunctionalInterface
public interface Aggregator<K, V, VA> {

  /** The new aggregate; should not mutate {@code aggregate} in place (it may be the stored one). */
  VA apply(K key, V value, VA aggregate);
}
