package coursepulse.engine;

import java.util.Iterator;

/**
 * A store of values per key and fixed-size window, local to a task and bounded by retention: as the
 * task's stream time advances, windows starting at or before {@code streamTime - retention} are
 * dropped, and puts into such windows are ignored. Not thread-safe: used from the task's thread
 * only. Iterators must not be used after the store changes.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface WindowStore<K, V> extends StateStore {

  /**
   * Puts the value of {@code key} in the window starting at {@code windowStartMs}; {@code null}
   * deletes it. Ignored when the window has expired.
   */
  void put(K key, V value, long windowStartMs);

  /** The value of {@code key} in the window starting at {@code windowStartMs}, or {@code null}. */
  V fetch(K key, long windowStartMs);

  /**
   * The windows of {@code key} whose start is in {@code [timeFromMs, timeToMs]}, oldest first.
   */
  Iterator<KeyValue<Windowed<K>, V>> fetch(K key, long timeFromMs, long timeToMs);

  /**
   * The windows of every key whose start is in {@code [timeFromMs, timeToMs]}, ordered by window
   * start, then by serialized key.
   */
  Iterator<KeyValue<Windowed<K>, V>> fetchAll(long timeFromMs, long timeToMs);

  /** Every unexpired window of every key, ordered by window start, then by serialized key. */
  Iterator<KeyValue<Windowed<K>, V>> all();

  /** The size of the windows in this store, in milliseconds. */
  long windowSizeMs();

  /** How long windows are kept after their start, in milliseconds of stream time. */
  long retentionMs();
}
