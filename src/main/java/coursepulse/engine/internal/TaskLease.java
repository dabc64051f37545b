package coursepulse.engine.internal;

import java.util.function.BooleanSupplier;

/**
 * Whether a task may still write for its partition, asked before every output, dead letter and
 * checkpoint: a zombie (an instance that stood still past its lease) must not write beside the
 * task's new holder.
 */
final class TaskLease {

  private final BooleanSupplier intact;

  /** @param intact false once the task may have lost its partition; null: never (a plain engine) */
  TaskLease(BooleanSupplier intact) {
    this.intact = intact;
  }

  /**
   * Throws when this task may no longer hold its partition, before it writes anything.
   *
   * @throws LostException then
   */
  void check() {
    if (intact != null && !intact.getAsBoolean()) {
      throw new LostException();
    }
  }

  /** Thrown by {@link #check}; ends the task without a checkpoint. */
  static final class LostException extends RuntimeException {
    LostException() {
      super("lease lost", null, false, false);
    }
  }
}
