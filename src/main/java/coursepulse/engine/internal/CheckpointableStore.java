package coursepulse.engine.internal;

import coursepulse.engine.StateStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A store whose whole content can be written to and read back from a checkpoint, as the bytes its
 * serdes produce. Stores that also expire data by stream time receive every stream-time advance.
 */
public interface CheckpointableStore extends StateStore {

  /** Writes the content; deterministic: equal content gives equal bytes. */
  void writeTo(DataOutput out) throws IOException;

  /** Replaces the content with what {@link #writeTo} wrote. */
  void readFrom(DataInput in) throws IOException;

  /** Called by the task whenever its stream time advances; default: nothing to expire. */
  default void observeStreamTime(long streamTimeMs) {}
}
