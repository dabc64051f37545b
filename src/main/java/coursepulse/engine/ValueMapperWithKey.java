package coursepulse.engine;

/**
 * Computes a new value from a record's read-only key and value, for {@link KStream#mapValues}.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <R> result type
 */
@FunctionalInterface
public interface ValueMapperWithKey<K, V, R> {

  /** The new value; the key must not be changed through it. */
  R apply(K readOnlyKey, V value);
}
