package coursepulse.engine;

/**
 * Computes a new value (often a new key, or a {@link KeyValue}) from a record's key and value,
 * for {@link KStream#map}, {@link KStream#selectKey}, {@link KStream#flatMap} and {@link
 * KStream#groupBy}.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <R> result type
 */
@FunctionalInterface
public interface KeyValueMapper<K, V, R> {

  /** The result for one record. */
  R apply(K key, V value);
}
