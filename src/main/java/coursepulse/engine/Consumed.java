package coursepulse.engine;

import java.util.Objects;
import java.util.function.Function;

/**
 * How a source reads a stream: the value serde, how to derive a key from the value (log messages
 * carry only value bytes) and how to derive the event time. Immutable; the {@code with*} methods
 * return copies.
 *
 * <pre>{@code
 * Consumed<String, Event> consumed =
 *     Consumed.<String, Event>with(eventSerde)
 *         .withKeyExtractor(Event::courseId)
 *         .withTimestampExtractor((event, logTs) -> event.time().toEpochMilli());
 * }</pre>
 *
 * @param <K> key type given to the source's children
 * @param <V> value type
 */
public final class Consumed<K, V> {

  private final Serde<V> valueSerde;
  private final Function<? super V, ? extends K> keyExtractor;
  private final TimestampExtractor<? super V> timestampExtractor;

  private Consumed(
      Serde<V> valueSerde,
      Function<? super V, ? extends K> keyExtractor,
      TimestampExtractor<? super V> timestampExtractor) {
    this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
    this.keyExtractor = keyExtractor;
    this.timestampExtractor = timestampExtractor;
  }

  /**
   * Reads values with {@code valueSerde}; keys are {@code null} and event time is the log's
   * timestamp until configured otherwise.
   */
  public static <K, V> Consumed<K, V> with(Serde<V> valueSerde) {
    return new Consumed<>(valueSerde, v -> null, (v, logTs) -> logTs);
  }

  /** Derives each record's key from its value. Default: key {@code null}. */
  public Consumed<K, V> withKeyExtractor(Function<? super V, ? extends K> keyExtractor) {
    return new Consumed<>(
        valueSerde, Objects.requireNonNull(keyExtractor, "keyExtractor"), timestampExtractor);
  }

  /** Derives each record's event time from its value. Default: the log's timestamp. */
  public Consumed<K, V> withTimestampExtractor(TimestampExtractor<? super V> timestampExtractor) {
    return new Consumed<>(
        valueSerde, keyExtractor, Objects.requireNonNull(timestampExtractor, "timestampExtractor"));
  }

  /** The value serde. */
  public Serde<V> valueSerde() {
    return valueSerde;
  }

  /** The key extractor. */
  public Function<? super V, ? extends K> keyExtractor() {
    return keyExtractor;
  }

  /** The timestamp extractor. */
  public TimestampExtractor<? super V> timestampExtractor() {
    return timestampExtractor;
  }
}
