package coursepulse.engine;

/**
 * A changelog viewed as a table: the latest value per key. Built by {@link StreamsBuilder#table},
 * {@link KStream#toTable} or an aggregation of a {@link KGroupedStream}.
 *
 * <p>Emission: every update is emitted downstream at once, with the timestamp of the update (for
 * aggregations: the largest timestamp of the records aggregated so far). This is Kafka Streams'
 * behaviour with record caching disabled ({@code statestore.cache.max.bytes=0}); with its default
 * cache, Kafka Streams emits a subset of these updates at commit time, which is not deterministic.
 * Use {@link #suppress} for one final result per window.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface KTable<K, V> {

  /** The stream of this table's updates; a deletion appears as a record with a {@code null} value. */
  KStream<K, V> toStream();

  /**
   * Holds back updates per {@code suppressed}; only on windowed tables (windowed aggregations).
   *
   * @throws IllegalStateException when this table is not the result of a windowed aggregation
   */
  KTable<K, V> suppress(Suppressed<? super K> suppressed);

  /** The name of the store holding this table, or {@code null} if it has none. */
  String queryableStoreName();
}
