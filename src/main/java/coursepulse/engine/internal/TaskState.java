package coursepulse.engine.internal;

import coursepulse.engine.StreamEngine;

/**
 * The lifecycle of one task ({@link EngineRuntime}): the engine's states ({@link
 * StreamEngine.State}) are those of the whole instance, which over partitioned sources holds
 * several tasks that start, rebuild, move away and fail on their own. A task that fails is not
 * the instance failing: {@link PartitionedRuntime} decides what a failed task means for it.
 */
enum TaskState {
  /** Built, not started. */
  CREATED,
  /** Loading its checkpoint and opening readers and writers; also while it rebuilds itself. */
  RESTORING,
  /** Processing. */
  RUNNING,
  /** Stopping: final flush, checkpoint and offset store (none when fenced). */
  CLOSING,
  /** Stopped cleanly, or fenced. Terminal. */
  CLOSED,
  /** Failed; the task's {@code failure()} says why. Terminal. */
  FAILED;

  /**
   * Whether a task may move from this state to {@code next}: as an engine may between the states
   * it shows for them, so an engine that is one task never shows a move it does not allow.
   */
  boolean canTransitionTo(TaskState next) {
    return engineState().canTransitionTo(next.engineState());
  }

  /** What an engine that is this one task ({@code StreamEngine} over plain streams) shows. */
  StreamEngine.State engineState() {
    switch (this) {
      case CREATED:
        return StreamEngine.State.CREATED;
      case RESTORING:
        return StreamEngine.State.RESTORING;
      case RUNNING:
        return StreamEngine.State.RUNNING;
      case CLOSING:
        return StreamEngine.State.PENDING_SHUTDOWN;
      case CLOSED:
        return StreamEngine.State.STOPPED;
      default:
        return StreamEngine.State.ERROR;
    }
  }

  /** Told about every change of a task's state, on the thread that changes it. */
  @FunctionalInterface
  interface Listener {
    /** @param old the state before; null when the task failed (from whatever state) */
    void onChange(TaskState next, TaskState old);
  }
}
