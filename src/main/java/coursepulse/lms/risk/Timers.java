package coursepulse.lms.risk;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.TimerQueue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The stream-time timers of the rules and the roster, in the engine's timer queue ({@link
 * TimerKeys.Timer}: due time, kind, ids). A timer is nothing but itself, so setting one that is
 * already set changes nothing: timers due at the same moment for the same thing collapse into one.
 * The processor drains it ({@link RosterTimers}); rules set and move their own timers.
 *
 * <p>Before the queue, timers were string keys of a key-value store ({@link
 * RiskProcessor#FORMER_TIMERS}, the keys {@link TimerKeys#key} writes); a checkpoint of that time
 * restores into that store, and {@link #moveFormer} moves what it holds here.
 */
final class Timers {
  private final TimerQueue<TimerKeys.Timer> queue;
  private final KeyValueStore<String, byte[]> former;

  Timers(TimerQueue<TimerKeys.Timer> queue, KeyValueStore<String, byte[]> former) {
    this.queue = queue;
    this.former = former;
  }

  void schedule(long due, char kind, String a, String b) {
    queue.schedule(TimerKeys.timer(due, kind, a, b));
  }

  void cancel(long due, char kind, String a, String b) {
    queue.cancel(TimerKeys.timer(due, kind, a, b));
  }

  /** The timers due at or before {@code nowMs}, earliest first; each stays set until cancelled. */
  List<TimerKeys.Timer> dueBy(long nowMs) {
    return queue.dueBy(nowMs);
  }

  void cancel(TimerKeys.Timer timer) {
    queue.cancel(timer);
  }

  /**
   * Moves the timers of a checkpoint taken before the queue into it; one size read when there are
   * none.
   *
   * @return how many moved
   */
  int moveFormer() {
    if (former.approximateNumEntries() == 0) {
      return 0;
    }
    List<String> keys = new ArrayList<>();
    for (Iterator<KeyValue<String, byte[]>> it = former.all(); it.hasNext(); ) {
      keys.add(it.next().key());
    }
    for (String key : keys) {
      queue.schedule(TimerKeys.parse(key));
      former.delete(key);
    }
    return keys.size();
  }
}
