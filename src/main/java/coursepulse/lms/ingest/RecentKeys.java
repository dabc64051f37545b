package coursepulse.lms.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dedup keys of the most recent appends of one stream, oldest evicted first: the window within
 * which a redelivered event is recognised. Not thread-safe (the appender thread owns it).
 */
final class RecentKeys {

  private final int capacity;
  private final LinkedHashMap<String, Boolean> keys;

  RecentKeys(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("dedup window must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
    this.keys =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RecentKeys.this.capacity;
          }
        };
  }

  boolean contains(String key) {
    return keys.containsKey(key);
  }

  void add(String key) {
    keys.put(key, Boolean.TRUE);
  }

  int size() {
    return keys.size();
  }
}
