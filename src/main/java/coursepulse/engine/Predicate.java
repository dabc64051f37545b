package coursepulse.engine;

/**
 * Tests a record's key and value, for {@link KStream#filter}, {@link KStream#filterNot} and
 * {@link BranchedKStream#branch}.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface Predicate<K, V> {

  /** Whether the record passes; must not throw for {@code null} keys or values it may receive. */
  boolean test(K key, V value);
}
