package coursepulse.engine;

/**
 * Combines the aggregates of two sessions of one key when a record bridges them, for {@link
 * SessionWindowedKStream#aggregate}.
 *
 * @param <K> key type
 * @param <VA> aggregate type
 */
@FunctionalInterface
public interface Merger<K, VA> {

  /** The aggregate of the merged session. */
  VA apply(K key, VA aggregate1, VA aggregate2);
}
