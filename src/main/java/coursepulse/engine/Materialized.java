package coursepulse.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How a DSL operation materializes its state store: the store name (to query it, e.g. through
 * {@code TestDriver#getKeyValueStore}), the key and value serdes and, for windowed stores, the
 * retention. Immutable; the {@code with*} methods return copies.
 *
 * <p>Defaults: a generated store name, the serdes of the upstream {@link Grouped} or {@link
 * Consumed} (and {@code Serdes.Long()} for counts), retention = window size + grace for time
 * windows and inactivity gap + grace for session windows. The stores hold {@link
 * ValueAndTimestamp}s of the value type.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Materialized<K, V> {

  private final String storeName;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final Duration retention;

  private Materialized(String storeName, Serde<K> keySerde, Serde<V> valueSerde, Duration retention) {
    this.storeName = storeName;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.retention = retention;
  }

  /** Materializes into a store of the given name. */
  public static <K, V> Materialized<K, V> as(String storeName) {
    return new Materialized<>(Objects.requireNonNull(storeName, "storeName"), null, null, null);
  }

  /** Materializes with the given serdes into a store of a generated name. */
  public static <K, V> Materialized<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
    return new Materialized<>(null, keySerde, valueSerde, null);
  }

  /** A copy with the given key serde. */
  public Materialized<K, V> withKeySerde(Serde<K> keySerde) {
    return new Materialized<>(storeName, keySerde, valueSerde, retention);
  }

  /** A copy with the given value serde. */
  public Materialized<K, V> withValueSerde(Serde<V> valueSerde) {
    return new Materialized<>(storeName, keySerde, valueSerde, retention);
  }

  /**
   * A copy with the given retention of a windowed store.
   *
   * @throws IllegalArgumentException when negative
   */
  public Materialized<K, V> withRetention(Duration retention) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative: " + retention);
    }
    return new Materialized<>(storeName, keySerde, valueSerde, retention);
  }

  /** The store name, or {@code null} for a generated one. */
  public String storeName() {
    return storeName;
  }

  /** The key serde, or {@code null} to inherit it. */
  public Serde<K> keySerde() {
    return keySerde;
  }

  /** The value serde, or {@code null} to inherit it. */
  public Serde<V> valueSerde() {
    return valueSerde;
  }

  /** The retention, or {@code null} for the default. */
  public Duration retention() {
    return retention;
  }
}
