package coursepulse.engine;

/**
 * Computes a new value from a record's value, for {@link KStream#mapValues} and {@link
 * KStream#flatMapValues}; the key is kept.
 *
 * @param <V> value type
 * @param <R> result type
 */
@FunctionalInterface
public interface ValueMapper<V, R> {

  /** The new value. */
  R apply(V value);
}
