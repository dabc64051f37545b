package coursepulse.engine;

/**
 * A grouped stream cut into {@link SessionWindows}, ready for a session aggregation. A record
 * starts a session or extends (and possibly merges) the sessions of its key within the gap; on a
 * merge the old sessions are emitted as deletions ({@code null} value, timestamp = old session
 * end) before the merged one (timestamp = its end). The store is a {@link SessionStore}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface SessionWindowedKStream<K, V> {

  /** Counts records per key and session. */
  KTable<Windowed<K>, Long> count();

  /** Counts records per key and session into the given store. */
  KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized);

  /** Combines the values per key and session with {@code reducer}. */
  KTable<Windowed<K>, V> reduce(Reducer<V> reducer);

  /** As {@link #reduce(Reducer)}, into the given store. */
  KTable<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized);

  /**
   * Folds the values per key and session into an aggregate; {@code merger} combines the
   * aggregates of sessions a record bridges.
   */
  <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger);

  /** As {@link #aggregate(Initializer, Aggregator, Merger)}, into the given store. */
  <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger,
      Materialized<K, VA> materialized);
}
