package coursepulse.engine;

import java.util.List;

/**
 * Stream-time timers of one task, as objects: a processor schedules a timer (a value that knows
 * its due time), and on its punctuation takes those due by the current stream time. A timer is
 * its own identity, so scheduling one that is already scheduled changes nothing: timers due at the
 * same moment for the same thing collapse into one.
 *
 * <p>Timers are ordered by due time, then by the order given to the store ({@link
 * Stores#timerQueueBuilder}), never by when they were scheduled: the same input fires the same
 * timers in the same order. Checkpointed with the task's other stores; scheduling and cancelling
 * cost a hash lookup and a heap step, with no serialization (the serde runs at checkpoints only).
 *
 * @param <T> the timer type: immutable, with {@code equals}/{@code hashCode} over everything that
 *     identifies it, its due time included
 */
public interface TimerQueue<T> extends StateStore {

  /**
   * Schedules {@code timer} at its due time.
   *
   * @return false when the same timer was already scheduled
   */
  boolean schedule(T timer);

  /**
   * Cancels {@code timer}.
   *
   * @return false when it was not scheduled
   */
  boolean cancel(T timer);

  /** Whether {@code timer} is scheduled. */
  boolean isScheduled(T timer);

  /**
   * The timers due at or before {@code streamTimeMs}, earliest first (equal due times in the
   * store's order). They stay scheduled: the caller cancels each as it fires it, so a timer that
   * an earlier one cancels or schedules again is seen as the caller decides.
   */
  List<T> dueBy(long streamTimeMs);

  /** The due time of the earliest timer, {@link Long#MAX_VALUE} when none is scheduled. */
  long nextDue();

  /** The number of timers scheduled. */
  int size();
}
