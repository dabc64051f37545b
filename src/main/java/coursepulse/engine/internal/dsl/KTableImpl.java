package coursepulse.engine.internal.dsl;

import coursepulse.engine.KStream;
import coursepulse.engine.KTable;
import coursepulse.engine.Serde;
import coursepulse.engine.Suppressed;
import java.util.Objects;

/**
 * A {@link KTable} as the node emitting its {@link Change}s and the store holding it (none for a
 * suppressed table). Windowed tables remember how long after its end a window closes.
 */
final class KTableImpl<K, V> implements KTable<K, V> {

  static final long NOT_WINDOWED = -1;

  final InternalStreamsBuilder builder;
  final String nodeName;
  final String storeName;
  /** For windowed keys: the key serde of the inner key; else the key serde. */
  final Serde<?> keySerde;
  final Serde<V> valueSerde;
  /** Grace (time windows) or gap + grace (sessions), or {@link #NOT_WINDOWED}. */
  final long closeDelayMs;

  KTableImpl(
      InternalStreamsBuilder builder,
      String nodeName,
      String storeName,
      Serde<?> keySerde,
      Serde<V> valueSerde,
      long closeDelayMs) {
    this.builder = builder;
    this.nodeName = nodeName;
    this.storeName = storeName;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.closeDelayMs = closeDelayMs;
  }

  @Override
  @SuppressWarnings("unchecked")
  public KStream<K, V> toStream() {
    String name =
        builder.addProcessor(
            builder.newName("KTABLE-TOSTREAM-"), () -> new StatelessProcessors.ToStream<K, V>(), nodeName);
    return new KStreamImpl<>(
        builder, name, closeDelayMs == NOT_WINDOWED ? (Serde<K>) keySerde : null, valueSerde);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public KTable<K, V> suppress(Suppressed<? super K> suppressed) {
    Objects.requireNonNull(suppressed, "suppressed");
    if (closeDelayMs == NOT_WINDOWED) {
      throw new IllegalStateException(
          "suppress(untilWindowCloses) needs a windowed table (the result of a windowed aggregation)");
    }
    String name = builder.nameOr(suppressed.name(), "KTABLE-SUPPRESS-");
    long delay = closeDelayMs;
    Serde innerKeySerde = keySerde;
    builder.addProcessor(name, () -> new SuppressProcessor(delay, innerKeySerde), nodeName);
    return new KTableImpl<>(builder, name, null, keySerde, valueSerde, closeDelayMs);
  }

  @Override
  public String queryableStoreName() {
    return storeName;
  }

}
