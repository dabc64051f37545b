package coursepulse.engine.internal.dsl;

import coursepulse.engine.BranchedKStream;
import coursepulse.engine.ForeachAction;
import coursepulse.engine.Grouped;
import coursepulse.engine.KGroupedStream;
import coursepulse.engine.KStream;
import coursepulse.engine.KTable;
import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueMapper;
import coursepulse.engine.Materialized;
import coursepulse.engine.Predicate;
import coursepulse.engine.ProcessorSupplier;
import coursepulse.engine.Produced;
import coursepulse.engine.Serde;
import coursepulse.engine.ValueJoiner;
import coursepulse.engine.ValueMapper;
import coursepulse.engine.ValueMapperWithKey;
import java.util.Objects;

/** A {@link KStream} as the name of the node producing it, with the serdes known for it. */
final class KStreamImpl<K, V> implements KStream<K, V> {

  final InternalStreamsBuilder builder;
  final String nodeName;
  final Serde<K> keySerde;
  final Serde<V> valueSerde;

  KStreamImpl(InternalStreamsBuilder builder, String nodeName, Serde<K> keySerde, Serde<V> valueSerde) {
    this.builder = builder;
    this.nodeName = nodeName;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  private <KR, VR> KStreamImpl<KR, VR> child(
      String prefix, ProcessorSupplier<K, V, KR, VR> supplier, Serde<KR> ks, Serde<VR> vs) {
    String name = builder.addProcessor(builder.newName(prefix), supplier, nodeName);
    return new KStreamImpl<>(builder, name, ks, vs);
  }

  @Override
  public KStream<K, V> filter(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return child("KSTREAM-FILTER-", () -> new StatelessProcessors.Filter<>(predicate, true), keySerde, valueSerde);
  }

  @Override
  public KStream<K, V> filterNot(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return child("KSTREAM-FILTER-", () -> new StatelessProcessors.Filter<>(predicate, false), keySerde, valueSerde);
  }

  @Override
  public <KR, VR> KStream<KR, VR> map(
      KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return child("KSTREAM-MAP-", () -> new StatelessProcessors.Map<K, V, KR, VR>(mapper), null, null);
  }

  @Override
  public <VR> KStream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return mapValues((ValueMapperWithKey<K, V, VR>) (k, v) -> mapper.apply(v));
  }

  @Override
  public <VR> KStream<K, VR> mapValues(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return child("KSTREAM-MAPVALUES-", () -> new StatelessProcessors.MapValues<K, V, VR>(mapper), keySerde, null);
  }

  @Override
  public <KR, VR> KStream<KR, VR> flatMap(
      KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>>
          mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return child("KSTREAM-FLATMAP-", () -> new StatelessProcessors.FlatMap<K, V, KR, VR>(mapper), null, null);
  }

  @Override
  public <VR> KStream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return child(
        "KSTREAM-FLATMAPVALUES-",
        () -> new StatelessProcessors.FlatMapValues<K, V, VR>((k, v) -> mapper.apply(v)),
        keySerde,
        null);
  }

  @Override
  public KStream<K, V> peek(ForeachAction<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    return child("KSTREAM-PEEK-", () -> new StatelessProcessors.Peek<>(action, true), keySerde, valueSerde);
  }

  @Override
  public <KR> KStream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return child(
        "KSTREAM-KEY-SELECT-",
        () -> new StatelessProcessors.Map<K, V, KR, V>((k, v) -> KeyValue.pair(mapper.apply(k, v), v)),
        null,
        valueSerde);
  }

  @Override
  public BranchedKStream<K, V> split() {
    return split("");
  }

  @Override
  public BranchedKStream<K, V> split(String name) {
    Objects.requireNonNull(name, "name");
    return new BranchedKStreamImpl<>(this, name);
  }

  @Override
  public KStream<K, V> merge(KStream<K, V> other) {
    KStreamImpl<K, V> o = (KStreamImpl<K, V>) Objects.requireNonNull(other, "other");
    String name =
        builder.addProcessor(
            builder.newName("KSTREAM-MERGE-"),
            () -> new StatelessProcessors.PassThrough<K, V>(),
            nodeName,
            o.nodeName);
    return new KStreamImpl<>(
        builder,
        name,
        Objects.equals(keySerde, o.keySerde) ? keySerde : null,
        Objects.equals(valueSerde, o.valueSerde) ? valueSerde : null);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <KR, VR> KStream<KR, VR> process(
      ProcessorSupplier<? super K, ? super V, KR, VR> supplier, String... stateStoreNames) {
    Objects.requireNonNull(supplier, "supplier");
    String name = builder.addProcessor(builder.newName("KSTREAM-PROCESSOR-"), (ProcessorSupplier) supplier, nodeName);
    if (stateStoreNames.length > 0) {
      builder.connect(name, stateStoreNames);
    }
    return new KStreamImpl<>(builder, name, null, null);
  }

  @Override
  public KGroupedStream<K, V> groupByKey() {
    return groupByKey(Grouped.with(keySerde, valueSerde));
  }

  @Override
  public KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped) {
    Objects.requireNonNull(grouped, "grouped");
    return new KGroupedStreamImpl<>(
        builder,
        nodeName,
        InternalStreamsBuilder.firstNonNull(grouped.keySerde(), keySerde),
        InternalStreamsBuilder.firstNonNull(grouped.valueSerde(), valueSerde));
  }

  @Override
  public <KR> KGroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> keySelector) {
    return groupBy(keySelector, Grouped.with(null, valueSerde));
  }

  @Override
  public <KR> KGroupedStream<KR, V> groupBy(
      KeyValueMapper<? super K, ? super V, KR> keySelector, Grouped<KR, V> grouped) {
    Objects.requireNonNull(keySelector, "keySelector");
    Objects.requireNonNull(grouped, "grouped");
    KStreamImpl<KR, V> rekeyed = (KStreamImpl<KR, V>) selectKey(keySelector);
    return new KGroupedStreamImpl<>(
        builder,
        rekeyed.nodeName,
        grouped.keySerde(),
        InternalStreamsBuilder.firstNonNull(grouped.valueSerde(), valueSerde));
  }

  @Override
  public KTable<K, V> toTable() {
    return toTable(Materialized.with(keySerde, valueSerde));
  }

  @Override
  public KTable<K, V> toTable(Materialized<K, V> materialized) {
    return toTable(materialized, "KSTREAM-TOTABLE-");
  }

  KTable<K, V> toTable(Materialized<K, V> materialized, String prefix) {
    Objects.requireNonNull(materialized, "materialized");
    String name = builder.newName(prefix);
    String storeName = builder.storeNameOr(materialized.storeName(), prefix);
    Serde<K> ks = InternalStreamsBuilder.firstNonNull(materialized.keySerde(), keySerde);
    Serde<V> vs = InternalStreamsBuilder.firstNonNull(materialized.valueSerde(), valueSerde);
    var store = builder.kvStore(storeName, ks, vs);
    builder.addProcessor(name, () -> new TableSourceProcessor<K, V>(name, storeName), nodeName);
    builder.addStateStore(store, name);
    return new KTableImpl<>(builder, name, storeName, ks, vs, KTableImpl.NOT_WINDOWED);
  }

  @Override
  public <VT, VR> KStream<K, VR> join(
      KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
    return doJoin(table, joiner, false);
  }

  @Override
  public <VT, VR> KStream<K, VR> leftJoin(
      KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
    return doJoin(table, joiner, true);
  }

  private <VT, VR> KStream<K, VR> doJoin(
      KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner, boolean left) {
    Objects.requireNonNull(joiner, "joiner");
    KTableImpl<K, VT> t = (KTableImpl<K, VT>) Objects.requireNonNull(table, "table");
    if (t.storeName == null || t.closeDelayMs != KTableImpl.NOT_WINDOWED) {
      throw new IllegalArgumentException(
          "a stream can only be joined with a non-windowed table backed by a store"
              + " (builder.table, toTable or a non-windowed aggregation)");
    }
    String name = builder.newName(left ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
    builder.addProcessor(
        name, () -> new StreamTableJoinProcessor<K, V, VT, VR>(name, t.storeName, joiner, left), nodeName);
    builder.connect(name, t.storeName);
    return new KStreamImpl<>(builder, name, keySerde, null);
  }

  @Override
  public void to(String stream, Produced<K, V> produced) {
    builder.checkNotBuilt();
    builder.topology().addSink(builder.newName("KSTREAM-SINK-"), stream, produced, nodeName);
  }

  @Override
  public void foreach(ForeachAction<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    builder.addProcessor(
        builder.newName("KSTREAM-FOREACH-"), () -> new StatelessProcessors.Peek<>(action, false), nodeName);
  }
}
