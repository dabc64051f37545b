package coursepulse.engine;

/**
 * A key, a value and an event time (epoch milliseconds), as it flows between processors.
 * Immutable; the {@code with*} methods return copies.
 */
public record StreamRecord<K, V>(K key, V value, long timestamp) {

  public <K2> StreamRecord<K2, V> withKey(K2 newKey) {
    return new StreamRecord<>(newKey, value, timestamp);
  }

  public <V2> StreamRecord<K, V2> withValue(V2 newValue) {
    return new StreamRecord<>(key, newValue, timestamp);
  }

  public StreamRecord<K, V> withTimestamp(long newTimestamp) {
    return new StreamRecord<>(key, value, newTimestamp);
  }
}
