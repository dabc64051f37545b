package coursepulse.engine.internal.dsl;

import coursepulse.engine.Aggregator;
import coursepulse.engine.Initializer;
import coursepulse.engine.KGroupedStream;
import coursepulse.engine.KTable;
import coursepulse.engine.Materialized;
import coursepulse.engine.Reducer;
import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import coursepulse.engine.SessionWindowedKStream;
import coursepulse.engine.SessionWindows;
import coursepulse.engine.TimeWindowedKStream;
import coursepulse.engine.TimeWindows;
import java.util.Objects;

/** A grouped stream: the node producing it and the serdes its aggregations' stores use. */
final class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {

  final InternalStreamsBuilder builder;
  final String nodeName;
  final Serde<K> keySerde;
  final Serde<V> valueSerde;

  KGroupedStreamImpl(InternalStreamsBuilder builder, String nodeName, Serde<K> keySerde, Serde<V> valueSerde) {
    this.builder = builder;
    this.nodeName = nodeName;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  @Override
  public KTable<K, Long> count() {
    return count(Materialized.with(null, null));
  }

  @Override
  public KTable<K, Long> count(Materialized<K, Long> materialized) {
    return doAggregate(() -> 0L, (k, v, agg) -> agg + 1, withValueSerde(materialized, Serdes.Long()));
  }

  @Override
  public KTable<K, V> reduce(Reducer<V> reducer) {
    return reduce(reducer, Materialized.with(null, null));
  }

  @Override
  public KTable<K, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
    Objects.requireNonNull(reducer, "reducer");
    return doAggregate(
        () -> null,
        (k, v, agg) -> agg == null ? v : reducer.apply(agg, v),
        withValueSerde(materialized, valueSerde));
  }

  @Override
  public <VA> KTable<K, VA> aggregate(
      Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator) {
    return aggregate(initializer, aggregator, Materialized.with(null, null));
  }

  @Override
  public <VA> KTable<K, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(aggregator, "aggregator");
    return doAggregate(initializer, aggregator, Objects.requireNonNull(materialized, "materialized"));
  }

  static <K, T> Materialized<K, T> withValueSerde(Materialized<K, T> m, Serde<T> fallback) {
    Objects.requireNonNull(m, "materialized");
    return m.valueSerde() == null ? m.withValueSerde(fallback) : m;
  }

  private <VA> KTable<K, VA> doAggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized) {
    String name = builder.newName("KSTREAM-AGGREGATE-");
    String storeName = builder.storeNameOr(materialized.storeName(), "KSTREAM-AGGREGATE-");
    Serde<K> ks = InternalStreamsBuilder.firstNonNull(materialized.keySerde(), keySerde);
    var store = builder.kvStore(storeName, ks, materialized.valueSerde());
    builder.addProcessor(
        name,
        () -> new StreamAggregateProcessor<K, V, VA>(name, storeName, initializer, aggregator),
        nodeName);
    builder.addStateStore(store, name);
    return new KTableImpl<>(builder, name, storeName, ks, materialized.valueSerde(), KTableImpl.NOT_WINDOWED);
  }

  @Override
  public TimeWindowedKStream<K, V> windowedBy(TimeWindows windows) {
    return new TimeWindowedKStreamImpl<>(this, Objects.requireNonNull(windows, "windows"));
  }

  @Override
  public SessionWindowedKStream<K, V> windowedBy(SessionWindows windows) {
    return new SessionWindowedKStreamImpl<>(this, Objects.requireNonNull(windows, "windows"));
  }
}
