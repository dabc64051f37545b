package coursepulse.engine.internal.dsl;

import coursepulse.engine.Consumed;
import coursepulse.engine.KStream;
import coursepulse.engine.KTable;
import coursepulse.engine.Materialized;
import coursepulse.engine.ProcessorSupplier;
import coursepulse.engine.Serde;
import coursepulse.engine.StoreBuilder;
import coursepulse.engine.Stores;
import coursepulse.engine.Topology;
import coursepulse.engine.ValueAndTimestamp;
import java.util.Objects;

/**
 * Compiles DSL calls into a {@link Topology} as they are made: every operation adds its processors
 * and stores at once, with Kafka-style generated names ({@code KSTREAM-FILTER-0000000001}).
 */
public final class InternalStreamsBuilder {

  private final Topology topology = new Topology();
  private int index;
  private boolean built;

  /** The topology built so far; no more DSL calls are accepted after this. */
  public Topology build() {
    built = true;
    return topology;
  }

  String newName(String prefix) {
    return String.format("%s%010d", prefix, index++);
  }

  String nameOr(String given, String prefix) {
    return given != null ? given : newName(prefix);
  }

  /** The given store name, else one like Kafka's: {@code KSTREAM-AGGREGATE-STATE-STORE-0000000003}. */
  String storeNameOr(String given, String prefix) {
    return nameOr(given, prefix + "STATE-STORE-");
  }

  void checkNotBuilt() {
    if (built) {
      throw new IllegalStateException("the topology was already built; create a new StreamsBuilder");
    }
  }

  /** Adds a processor under a generated (or given) name and returns that name. */
  <KIn, VIn, KOut, VOut> String addProcessor(
      String name, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier, String... parents) {
    checkNotBuilt();
    topology.addProcessor(name, supplier, parents);
    return name;
  }

  void addStateStore(StoreBuilder<?> storeBuilder, String... processorNames) {
    checkNotBuilt();
    topology.addStateStore(storeBuilder, processorNames);
  }

  void connect(String processorName, String... storeNames) {
    topology.connectProcessorAndStateStores(processorName, storeNames);
  }

  Topology topology() {
    return topology;
  }

  /** Adds a source for {@code stream}. */
  public <K, V> KStream<K, V> stream(String stream, Consumed<K, V> consumed) {
    checkNotBuilt();
    String name = newName("KSTREAM-SOURCE-");
    topology.addSource(name, stream, consumed);
    return new KStreamImpl<>(this, name, null, consumed.valueSerde());
  }

  /** Adds a source for {@code stream} materialized as a table. */
  public <K, V> KTable<K, V> table(
      String stream, Consumed<K, V> consumed, Materialized<K, V> materialized) {
    KStreamImpl<K, V> source = (KStreamImpl<K, V>) stream(stream, consumed);
    return source.toTable(materialized, "KTABLE-SOURCE-");
  }

  /** Adds a store for {@code process} calls to connect to. */
  public void addStateStore(StoreBuilder<?> storeBuilder) {
    Objects.requireNonNull(storeBuilder, "storeBuilder");
    addStateStore(storeBuilder, new String[0]);
  }

  static <T> T required(T serde, String what, String storeName, String hint) {
    if (serde == null) {
      throw new IllegalArgumentException(
          "store '" + storeName + "' needs a " + what + ": " + hint
              + " (stores are checkpointed, so they serialize their content)");
    }
    return serde;
  }

  static <T> T firstNonNull(T a, T b) {
    return a != null ? a : b;
  }

  <K, V> StoreBuilder<coursepulse.engine.KeyValueStore<K, ValueAndTimestamp<V>>> kvStore(
      String storeName, Serde<K> keySerde, Serde<V> valueSerde) {
    String hint = "give it with Grouped.with(...) or Materialized.with(...)";
    return Stores.keyValueStoreBuilder(
        storeName,
        required(keySerde, "key serde", storeName, hint),
        ValueAndTimestampSerde.wrap(required(valueSerde, "value serde", storeName, hint)));
  }
}
