package coursepulse.lms.risk;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The due-time index of stream-time timers (keys: {@link TimerKeys}). A timer is nothing but its
 * key, so setting one that is already set changes nothing: timers due at the same moment for the
 * same thing collapse into one. The processor drains it; rules set and move their own timers.
 */
final class Timers {
  private static final byte[] MARK = new byte[0];

  private final KeyValueStore<String, byte[]> store;

  Timers(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  void schedule(long due, char kind, String a, String b) {
    store.put(TimerKeys.key(due, kind, a, b), MARK);
  }

  void cancel(long due, char kind, String a, String b) {
    store.delete(TimerKeys.key(due, kind, a, b));
  }

  /** The keys of the timers due at or before {@code nowMs}, earliest first. */
  List<String> dueBy(long nowMs) {
    List<String> due = new ArrayList<>();
    for (Iterator<KeyValue<String, byte[]>> it = store.range(null, TimerKeys.upTo(nowMs));
        it.hasNext(); ) {
      due.add(it.next().key());
    }
    return due;
  }

  void delete(String key) {
    store.delete(key);
  }
}
