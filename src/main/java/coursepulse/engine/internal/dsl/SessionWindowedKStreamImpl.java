package coursepulse.engine.internal.dsl;

import coursepulse.engine.Aggregator;
import coursepulse.engine.Initializer;
import coursepulse.engine.KTable;
import coursepulse.engine.Materialized;
import coursepulse.engine.Merger;
import coursepulse.engine.Reducer;
import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import coursepulse.engine.SessionWindowedKStream;
import coursepulse.engine.SessionWindows;
import coursepulse.engine.Windowed;
import java.util.Objects;

/** Session aggregations over an {@link InMemorySessionStore}. */
final class SessionWindowedKStreamImpl<K, V> implements SessionWindowedKStream<K, V> {

  private final KGroupedStreamImpl<K, V> grouped;
  private final SessionWindows windows;

  SessionWindowedKStreamImpl(KGroupedStreamImpl<K, V> grouped, SessionWindows windows) {
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
        (k, a, b) -> a + b,
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
        (k, a, b) -> a == null ? b : b == null ? a : reducer.apply(a, b),
        KGroupedStreamImpl.withValueSerde(materialized, grouped.valueSerde));
  }

  @Override
  public <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger) {
    return aggregate(initializer, aggregator, merger, Materialized.with(null, null));
  }

  @Override
  public <VA> KTable<Windowed<K>, VA> aggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger,
      Materialized<K, VA> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(aggregator, "aggregator");
    Objects.requireNonNull(merger, "merger");
    return doAggregate(initializer, aggregator, merger, Objects.requireNonNull(materialized, "materialized"));
  }

  private <VA> KTable<Windowed<K>, VA> doAggregate(
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger,
      Materialized<K, VA> materialized) {
    InternalStreamsBuilder builder = grouped.builder;
    String name = builder.newName("KSTREAM-AGGREGATE-");
    String storeName = builder.storeNameOr(materialized.storeName(), "KSTREAM-AGGREGATE-");
    Serde<K> ks = InternalStreamsBuilder.firstNonNull(materialized.keySerde(), grouped.keySerde);
    long minimum = windows.inactivityGapMs() + windows.gracePeriodMs();
    long retentionMs = materialized.retention() != null ? materialized.retention().toMillis() : minimum;
    if (retentionMs < minimum) {
      throw new IllegalArgumentException(
          "retention of store '" + storeName + "' (" + retentionMs
              + " ms) must be at least inactivity gap + grace (" + minimum + " ms)");
    }
    String hint = "give it with Grouped.with(...) or Materialized.with(...)";
    SessionStoreBuilder<K, VA> store =
        new SessionStoreBuilder<K, VA>(
            storeName,
            retentionMs,
            InternalStreamsBuilder.required(ks, "key serde", storeName, hint),
            InternalStreamsBuilder.required(materialized.valueSerde(), "value serde", storeName, hint));
    builder.addProcessor(
        name,
        () ->
            new SessionWindowAggregateProcessor<K, V, VA>(
                name, storeName, windows, initializer, aggregator, merger),
        grouped.nodeName);
    builder.addStateStore(store, name);
    return new KTableImpl<>(
        builder,
        name,
        storeName,
        ks,
        materialized.valueSerde(),
        windows.inactivityGapMs() + windows.gracePeriodMs());
  }
}
