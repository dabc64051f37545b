package coursepulse.engine;

import java.util.Iterator;

/**
 * A key-value store local to a task. Not thread-safe: used from the task's thread only. Iterators
 * see keys in their serialized order and must not be used after the store changes.
 */
public interface KeyValueStore<K, V> extends StateStore {

  /** The value for a key, or {@code null}. */
  V get(K key);

  /** Puts a value; {@code null} deletes. */
  void put(K key, V value);

  /** Deletes a key and returns its old value, or {@code null}. */
  V delete(K key);

  /** Every entry. */
  Iterator<KeyValue<K, V>> all();

  /** Entries with {@code from <= key <= to} in serialized order; {@code null} bounds are open. */
  Iterator<KeyValue<K, V>> range(K from, K to);
}
