package coursepulse.engine;

/**
 * An unbounded stream of key-value records, built with {@link StreamsBuilder}. Each operation
 * adds processors to the topology and returns a new stream; records flow depth-first, in the
 * task's event-time order. Operations never modify records in place.
 *
 * <p>Keys are whatever the source's key extractor (or a later {@link #selectKey}/{@link #map})
 * gives; a {@code null} key is passed through stateless operations and dropped (and counted) by
 * aggregations, tables and joins, as in Kafka Streams.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface KStream<K, V> {

  /** Keeps the records that satisfy {@code predicate}. */
  KStream<K, V> filter(Predicate<? super K, ? super V> predicate);

  /** Keeps the records that do not satisfy {@code predicate}. */
  KStream<K, V> filterNot(Predicate<? super K, ? super V> predicate);

  /** Replaces each record by the key and value {@code mapper} returns; the timestamp is kept. */
  <KR, VR> KStream<KR, VR> map(
      KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper);

  /** Replaces each value by {@code mapper}'s result; key and timestamp are kept. */
  <VR> KStream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper);

  /** Replaces each value by {@code mapper}'s result computed from key and value. */
  <VR> KStream<K, VR> mapValues(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper);

  /** Replaces each record by zero or more records, in iteration order, with its timestamp. */
  <KR, VR> KStream<KR, VR> flatMap(
      KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>>
          mapper);

  /** Replaces each record by zero or more records with the same key and timestamp. */
  <VR> KStream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper);

  /** Runs {@code action} on each record and passes it on unchanged. */
  KStream<K, V> peek(ForeachAction<? super K, ? super V> action);

  /** Replaces each record's key by {@code mapper}'s result. */
  <KR> KStream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> mapper);

  /** Splits the stream by predicates; each record goes to the first branch it satisfies. */
  BranchedKStream<K, V> split();

  /** As {@link #split()}, with {@code name} as the prefix of the branch names. */
  BranchedKStream<K, V> split(String name);

  /**
   * The records of this stream and {@code other}, in the order the task processes them (event-time
   * order across source streams).
   */
  KStream<K, V> merge(KStream<K, V> other);

  /**
   * Sends each record through a processor of the Processor API, connected to the named state
   * stores (added with {@link StreamsBuilder#addStateStore}).
   *
   * @return the stream of records the processor forwards
   */
  <KR, VR> KStream<KR, VR> process(
      ProcessorSupplier<? super K, ? super V, KR, VR> supplier, String... stateStoreNames);

  /** Groups by the current key, for an aggregation. */
  KGroupedStream<K, V> groupByKey();

  /** Groups by the current key with serdes for the aggregation's store. */
  KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped);

  /** Groups by a new key; there is no repartition (one task reads all input). */
  <KR> KGroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> keySelector);

  /** Groups by a new key with serdes for the aggregation's store. */
  <KR> KGroupedStream<KR, V> groupBy(
      KeyValueMapper<? super K, ? super V, KR> keySelector, Grouped<KR, V> grouped);

  /** A table of the latest value per key of this stream ({@code null} value deletes). */
  KTable<K, V> toTable();

  /** As {@link #toTable()}, materialized as given. */
  KTable<K, V> toTable(Materialized<K, V> materialized);

  /**
   * Inner stream–table join: for each record whose key has a value in {@code table} at the moment
   * it is processed, emits {@code joiner(value, tableValue)} with the record's key and timestamp.
   * Records with a {@code null} key or value, or no table value, are dropped. Table updates emit
   * nothing.
   */
  <VT, VR> KStream<K, VR> join(
      KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner);

  /**
   * Left stream–table join: as {@link #join} but a record with no table value is joined with
   * {@code null}; records with a {@code null} value are dropped.
   */
  <VT, VR> KStream<K, VR> leftJoin(
      KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner);

  /** Writes each value to {@code stream} (the key is not written; see {@link Produced}). */
  void to(String stream, Produced<K, V> produced);

  /** Runs {@code action} on each record; terminal. */
  void foreach(ForeachAction<? super K, ? super V> action);
}
