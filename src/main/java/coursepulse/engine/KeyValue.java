package coursepulse.engine;

/** A key and a value. */
public record KeyValue<K, V>(K key, V value) {
  public static <K, V> KeyValue<K, V> pair(K key, V value) {
    return new KeyValue<>(key, value);
  }
}
