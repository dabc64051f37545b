package coursepulse.engine;

/**
 * How {@link KStream#groupByKey(Grouped)} and {@link KStream#groupBy(KeyValueMapper, Grouped)}
 * group records: the key and value serdes the downstream stores use, and an optional name for the
 * grouping node. Immutable; the {@code with*} methods return copies.
 *
 * <p>There is no repartitioning: a task reads every source stream, so grouping by a new key only
 * re-keys records in place. Defaults: no serdes (then the {@link Materialized} of the aggregation
 * must give them), generated name.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Grouped<K, V> {

  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;

  private Grouped(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  /** Groups with the given serdes; either may be {@code null}. */
  public static <K, V> Grouped<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
    return new Grouped<>(null, keySerde, valueSerde);
  }

  /** Groups with no serdes and a processor name. */
  public static <K, V> Grouped<K, V> as(String name) {
    return new Grouped<>(name, null, null);
  }

  /** A copy with the given key serde. */
  public Grouped<K, V> withKeySerde(Serde<K> keySerde) {
    return new Grouped<>(name, keySerde, valueSerde);
  }

  /** A copy with the given value serde. */
  public Grouped<K, V> withValueSerde(Serde<V> valueSerde) {
    return new Grouped<>(name, keySerde, valueSerde);
  }

  /** A copy with the given name. */
  public Grouped<K, V> withName(String name) {
    return new Grouped<>(name, keySerde, valueSerde);
  }

  /** The name, or {@code null} for a generated one. */
  public String name() {
    return name;
  }

  /** The key serde, or {@code null}. */
  public Serde<K> keySerde() {
    return keySerde;
  }

  /** The value serde, or {@code null}. */
  public Serde<V> valueSerde() {
    return valueSerde;
  }
}
