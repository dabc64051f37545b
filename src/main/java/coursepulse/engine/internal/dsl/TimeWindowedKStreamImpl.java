package coursepulse.engine.internal.dsl;

import coursepulse.engine.Aggregator;
import coursepulse.engine.Initializer;
import coursepulse.engine.KTable;
import coursepulse.engine.Materialized;
import coursepulse.engine.Reducer;
import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import coursepulse.engine.StoreBuilder;
import coursepulse.engine.Stores;
import coursepulse.engine.TimeWindowedKStream;
import coursepulse.engine.TimeWindows;
import coursepulse.engine.ValueAndTimestamp;
import coursepulse.engine.WindowStore;
import coursepulse.engine.Windowed;
import java.time.Duration;
import java.util.Objects;

/** Windowed aggregations over a {@link WindowStore} of {@code ValueAndTimestamp}s. */
final class TimeWindowedKStreamImpl<K, V> implements TimeWindowedKStream<K, V> {

  private final KGroupedStreamImpl<K, V> grouped;
  private final TimeWindows windows;

  TimeWindowedKStreamImpl(KGroupedStreamImpl<K, V> grouped, TimeWindows windows) {
    this.grouped = grouped;
    this.windows = windows;
  }

  @Override
  public KTable<Windowed<K>, Long> count() {
    return count(Materialized.with(null, null));
  }

  @Override
  public KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized) {
    return doAggregate(
        () -> 0L,
        (k, v, agg) -> agg + 1,
        KGroupedStreamImpl.withValueSerde(materialized, Serdes.Long()));
  }

  @Override
  public KTable<Windowed<K>, V> reduce(Reducer<V> reducer) {
    return reduce(reducer, Materialized.with(null, null));
  }

  @Override
  public KTable<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
    Objects.requireNonNull(reducer, "reducer");
    return doAggregate(
        () -> null,
        (k, v, agg) -> agg == null ? v : reducer.apply(agg, v),
        KGroupedStreamImpl.withValueSerde(materialized, grouped.valueSerde));
  }

  @Override
  public <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator) {
    return aggregate(initializer, aggregator, Materialized.with(null, null));
  }

  @Override
  public <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(aggregator, "aggregator");
    return doAggregate(initializer, aggregator, Objects.requireNonNull(materialized, "materialized"));
  }

  private <VA> KTable<Windowed<K>, VA> doAggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized) {
    InternalStreamsBuilder builder = grouped.builder;
    String name = builder.newName("KSTREAM-AGGREGATE-");
    String storeName = builder.storeNameOr(materialized.storeName(), "KSTREAM-AGGREGATE-");
    Serde<K> ks = InternalStreamsBuilder.firstNonNull(materialized.keySerde(), grouped.keySerde);
    String hint = "give it with Grouped.with(...) or Materialized.with(...)";
    long retentionMs =
        materialized.retention() != null
            ? materialized.retention().toMillis()
            : windows.sizeMs() + windows.gracePeriodMs();
    if (retentionMs < windows.sizeMs() + windows.gracePeriodMs()) {
      throw new IllegalArgumentException(
          "retention of store '" + storeName + "' (" + retentionMs
              + " ms) must be at least window size + grace ("
              + (windows.sizeMs() + windows.gracePeriodMs()) + " ms)");
    }
    StoreBuilder<WindowStore<K, ValueAndTimestamp<VA>>> store =
        Stores.windowStoreBuilder(
            storeName,
            Duration.ofMillis(retentionMs),
            Duration.ofMillis(windows.sizeMs()),
            InternalStreamsBuilder.required(ks, "key serde", storeName, hint),
            ValueAndTimestampSerde.wrap(
                InternalStreamsBuilder.required(materialized.valueSerde(), "value serde", storeName, hint)));
    builder.addProcessor(
        name,
        () -> new TimeWindowAggregateProcessor<K, V, VA>(name, storeName, windows, initializer, aggregator),
        grouped.nodeName);
    builder.addStateStore(store, name);
    return new KTableImpl<>(
        builder, name, storeName, ks, materialized.valueSerde(), windows.gracePeriodMs());
  }
}
