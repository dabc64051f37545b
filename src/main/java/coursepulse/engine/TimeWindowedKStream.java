package coursepulse.engine;

/**
 * A grouped stream cut into {@link TimeWindows}, ready for a windowed aggregation. Each record
 * updates every window containing its timestamp that is still open (stream time below {@code
 * window end + grace}); a record whose windows are all closed is dropped and counted. Each update
 * is emitted with the largest timestamp of the window's records.
 *
 * <p>The result is a {@link KTable} keyed by {@link Windowed}; its store is a {@link WindowStore}
 * of {@link ValueAndTimestamp}s with retention {@code size + grace} by default.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface TimeWindowedKStream<K, V> {

  /** Counts records per key and window. */
  KTable<Windowed<K>, Long> count();

  /** Counts records per key and window into the given store. */
  KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized);

  /** Combines the values per key and window with {@code reducer}. */
  KTable<Windowed<K>, V> reduce(Reducer<V> reducer);

  /** As {@link #reduce(Reducer)}, into the given store. */
  KTable<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized);

  /** Folds the values per key and window into an aggregate. */
  <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator);

  /** As {@link #aggregate(Initializer, Aggregator)}, into the given store. */
  <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized);
}
