package coursepulse.engine;

/**
 * Combines two values of the same key into one, for {@code reduce} operations.
 *
 * @param <V> value type
 */
@FunctionalInterface
public interface Reducer<V> {

  /** The combination of the current aggregate and a new value. */
  V apply(V aggregate, V value);
}
