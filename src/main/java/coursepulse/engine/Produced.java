package coursepulse.engine;

import java.util.Objects;

/**
 * How a sink writes records to a stream. Log messages carry only the value bytes: the key is not
 * written, so values written to a stream must be self-describing.
 *
 * @param <K> key type of records reaching the sink (not written)
 * @param <V> value type
 */
public final class Produced<K, V> {

  private final Serde<V> valueSerde;

  private Produced(Serde<V> valueSerde) {
    this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
  }

  /** Writes values with {@code valueSerde}. */
  public static <K, V> Produced<K, V> with(Serde<V> valueSerde) {
    return new Produced<>(valueSerde);
  }

  /** The value serde. */
  public Serde<V> valueSerde() {
    return valueSerde;
  }
}
