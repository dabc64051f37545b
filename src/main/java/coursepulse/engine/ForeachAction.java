package coursepulse.engine;

/**
 * A side effect run for every record, for {@link KStream#foreach} and {@link KStream#peek}.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface ForeachAction<K, V> {

  /** Acts on one record; runs on the task's thread. */
  void apply(K key, V value);
}
