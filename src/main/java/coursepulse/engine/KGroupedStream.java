package coursepulse.engine;

/**
 * A stream grouped by key, ready for an aggregation into a {@link KTable}, or for windowing. Made
 * by {@link KStream#groupByKey} or {@link KStream#groupBy}.
 *
 * <p>Aggregations drop (and count) records with a {@code null} key; {@code reduce} and {@code
 * aggregate} also drop records with a {@code null} value, {@code count} counts them.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface KGroupedStream<K, V> {

  /** Counts records per key. */
  KTable<K, Long> count();

  /** Counts records per key into the given store. */
  KTable<K, Long> count(Materialized<K, Long> materialized);

  /** Combines the values of each key with {@code reducer}; the first value is kept as is. */
  KTable<K, V> reduce(Reducer<V> reducer);

  /** As {@link #reduce(Reducer)}, into the given store. */
  KTable<K, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized);

  /** Folds the values of each key into an aggregate starting from {@code initializer}. */
  <VA> KTable<K, VA> aggregate(
      Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator);

  /** As {@link #aggregate(Initializer, Aggregator)}, into the given store. */
  <VA> KTable<K, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized);

  /** Aggregates per key and fixed-size time window. */
  TimeWindowedKStream<K, V> windowedBy(TimeWindows windows);

  /** Aggregates per key and session. */
  SessionWindowedKStream<K, V> windowedBy(SessionWindows windows);
}
