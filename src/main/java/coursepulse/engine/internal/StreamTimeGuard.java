package coursepulse.engine.internal;

/**
 * Keeps records whose event time is far ahead of what the task's inputs have shown so far from
 * ever advancing stream time. One such record (a device with a wrong clock, a typo in a backfill)
 * would otherwise fire every stream-time timer up to its date at once and leave the task's
 * windows and timers "in the future" for good.
 *
 * <p>The reference is the largest event time admitted from any source (seeded with a restored
 * stream time). A record more than {@code limitMs} ahead of it is held, not queued. What happens
 * to it is decided by the data, not by the wall clock:
 *
 * <ul>
 *   <li>the next record of the same source is also beyond the limit: time really jumped (a quiet
 *       spell ended), so the held record and then the next are admitted;
 *   <li>the next record of the same source is within the limit: the held one was an outlier and
 *       is rejected (the caller dead-letters it);
 *   <li>other sources catch up to within the limit of it: it is admitted.
 * </ul>
 *
 * At most one record per source is held, since the next record of that source decides. Single
 * threaded, like the task that owns it.
 *
 * @param <T> the task's queued record type
 */
final class StreamTimeGuard<T> {

  /** Where admitted records go and who hears about rejected ones. */
  interface Outcome<T> {
    void admit(int source, T record);

    void reject(int source, T record, long eventTime, long observedTime, long limitMs);
  }

  private final long limitMs;
  private final Outcome<T> outcome;
  private final Object[] held;
  private final long[] heldTime;
  private long observed = -1;

  /**
   * @param limitMs how far ahead of the observed time a record may be, in ms; must be positive
   */
  StreamTimeGuard(long limitMs, int sources, Outcome<T> outcome) {
    if (limitMs <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limitMs + " ms");
    }
    this.limitMs = limitMs;
    this.outcome = outcome;
    this.held = new Object[sources];
    this.heldTime = new long[sources];
  }

  /** Raises the observed time, e.g. to a restored stream time. */
  void observe(long time) {
    if (time > observed) {
      observed = time;
      releaseCaughtUp();
    }
  }

  /** The largest event time admitted so far (or restored), -1 before any. */
  long observedTime() {
    return observed;
  }

  /** Admits, holds or (with a held predecessor) rejects a record of {@code source}. */
  void offer(int source, T record, long eventTime) {
    if (held[source] != null) {
      @SuppressWarnings("unchecked")
      T previous = (T) held[source];
      long previousTime = heldTime[source];
      held[source] = null;
      if (aheadOfLimit(eventTime)) {
        admit(source, previous, previousTime);
      } else {
        outcome.reject(source, previous, previousTime, observed, limitMs);
      }
    }
    if (aheadOfLimit(eventTime)) {
      held[source] = record;
      heldTime[source] = eventTime;
      return;
    }
    admit(source, record, eventTime);
  }

  /** The record held for {@code source}, or null. */
  @SuppressWarnings("unchecked")
  T held(int source) {
    return (T) held[source];
  }

  /** Forgets what is held for {@code source} (it will be read again). */
  void clear(int source) {
    held[source] = null;
  }

  private boolean aheadOfLimit(long eventTime) {
    return observed >= 0 && eventTime - observed > limitMs;
  }

  private void admit(int source, T record, long eventTime) {
    outcome.admit(source, record);
    observe(eventTime);
  }

  private void releaseCaughtUp() {
    for (int s = 0; s < held.length; s++) {
      if (held[s] != null && !aheadOfLimit(heldTime[s])) {
        @SuppressWarnings("unchecked")
        T r = (T) held[s];
        held[s] = null;
        admit(s, r, heldTime[s]);
      }
    }
  }
}
