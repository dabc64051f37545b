package coursepulse.engine.internal;

/**
 * Keeps records whose event time is far ahead of their own source's sequence from ever advancing
 * stream time. One such record (a device with a wrong clock, a typo in a backfill) would otherwise
 * fire every stream-time timer up to its date at once and leave the task's windows and timers "in
 * the future" for good.
 *
 * <p>Each source is judged against its own reference: the largest event time admitted from that
 * source, raised to a floor ({@link #floor}, a restored stream time) for every source. A record
 * more than {@code limitMs} ahead of its source's reference is held, not queued. What happens to
 * it is decided by the data, not by the wall clock or by how far the readers have read ahead:
 *
 * <ul>
 *   <li>the next record of the same source is also beyond the limit of that reference: time
 *       really jumped (a quiet spell ended), so the held record is admitted, and the next one is
 *       judged against it;
 *   <li>the next record of the same source is within the limit: the held one was an outlier and
 *       is rejected (the caller dead-letters it);
 *   <li>only when the source is known to be at its end ({@link #atEnd}: nothing follows the held
 *       record in the log yet), the other sources catching up to within the limit of it (the
 *       largest event time admitted from any source) admit it. This keeps a live source's last
 *       record from waiting for a successor that may be days away; a record that nothing has
 *       caught up with stays held (until the next run, or the next record of its source).
 * </ul>
 *
 * <p>Why per source, and why catch-up only at the end: a reference taken over all sources moves
 * with read-ahead (a sparse input, read whole at start, pushes it to the end of the term), so
 * whether a record was held, and whether other sources "caught up" with it, depended on how far
 * each reader had read when it arrived. A source's own sequence is fixed by the log: in a replay
 * a held record is decided by its successor whenever one exists, and only a source's last record
 * can be released by catch-up.
 *
 * <p>At most one record per source is held, since the next record of that source decides. Single
 * threaded, like the task that owns it.
 *
 * @param <T> the task's queued record type
 */
final class StreamTimeGuard<T> {

  /** Where admitted records go and who hears about rejected ones. */
  interface Outcome<T> {
    void admit(int source, T record);

    /**
     * @param referenceTime the source's reference the record was judged against
     */
    void reject(int source, T record, long eventTime, long referenceTime, long limitMs);
  }

  private final long limitMs;
  private final Outcome<T> outcome;
  private final Object[] held;
  private final long[] heldTime;
  // Per source: the largest event time admitted from it, or the floor; -1 before either.
  private final long[] reference;
  // Per source: known to be at its end while it holds a record (cleared by its next record).
  private final boolean[] atEnd;
  // The largest event time admitted from any source (or the floor): what catch-up compares to.
  private long observed = -1;

  /**
   * @param limitMs how far ahead of its source's reference a record may be, in ms; must be positive
   */
  StreamTimeGuard(long limitMs, int sources, Outcome<T> outcome) {
    if (limitMs <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limitMs + " ms");
    }
    this.limitMs = limitMs;
    this.outcome = outcome;
    this.held = new Object[sources];
    this.heldTime = new long[sources];
    this.reference = new long[sources];
    java.util.Arrays.fill(reference, -1);
    this.atEnd = new boolean[sources];
  }

  /** Raises every source's reference to {@code time}, a restored stream time; before any offer. */
  void floor(long time) {
    for (int s = 0; s < reference.length; s++) {
      reference[s] = Math.max(reference[s], time);
    }
    observe(time);
  }

  /** What records of {@code source} are judged against, -1 before any. */
  long referenceTime(int source) {
    return reference[source];
  }

  /** Admits, holds or (with a held predecessor) rejects a record of {@code source}. */
  void offer(int source, T record, long eventTime) {
    atEnd[source] = false;
    if (held[source] != null) {
      @SuppressWarnings("unchecked")
      T previous = (T) held[source];
      long previousTime = heldTime[source];
      held[source] = null;
      if (aheadOfLimit(source, eventTime)) {
        admit(source, previous, previousTime);
      } else {
        outcome.reject(source, previous, previousTime, reference[source], limitMs);
      }
    }
    if (aheadOfLimit(source, eventTime)) {
      held[source] = record;
      heldTime[source] = eventTime;
      return;
    }
    admit(source, record, eventTime);
  }

  /**
   * Source {@code source} is known to have nothing more in the log for now: a record it holds is
   * admitted once the other sources have caught up to within the limit of it (now or on a later
   * admission), until the source's next record arrives and decides instead.
   */
  void atEnd(int source) {
    if (held[source] != null && !atEnd[source]) {
      atEnd[source] = true;
      releaseCaughtUp();
    }
  }

  /** The record held for {@code source}, or null. */
  @SuppressWarnings("unchecked")
  T held(int source) {
    return (T) held[source];
  }

  /** Forgets what is held for {@code source} (it will be read again). */
  void clear(int source) {
    held[source] = null;
    atEnd[source] = false;
  }

  private boolean aheadOfLimit(int source, long eventTime) {
    return reference[source] >= 0 && eventTime - reference[source] > limitMs;
  }

  private void admit(int source, T record, long eventTime) {
    outcome.admit(source, record);
    if (eventTime > reference[source]) {
      reference[source] = eventTime;
    }
    observe(eventTime);
  }

  private void observe(long time) {
    if (time > observed) {
      observed = time;
      releaseCaughtUp();
    }
  }

  private void releaseCaughtUp() {
    for (int s = 0; s < held.length; s++) {
      if (held[s] != null && atEnd[s] && heldTime[s] - observed <= limitMs) {
        @SuppressWarnings("unchecked")
        T r = (T) held[s];
        held[s] = null;
        atEnd[s] = false;
        admit(s, r, heldTime[s]);
      }
    }
  }
}
