package coursepulse.engine.internal;

import java.io.IOException;

/** Where a task's checkpoints live: the local state directory, or a stream of the log. */
interface CheckpointStore {

  /** The newest usable checkpoint, or null when there is none. */
  Checkpoint loadLatest() throws IOException;

  /**
   * Stores {@code checkpoint} durably before returning.
   *
   * @return its size in bytes
   */
  long write(Checkpoint checkpoint) throws IOException;
}
