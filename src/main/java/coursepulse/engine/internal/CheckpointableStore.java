package coursepulse.engine.internal;

import coursepulse.engine.StateStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;

/**
 * A store whose whole content can be written to and read back from a checkpoint, as the bytes its
 * serdes produce. Stores that also expire data by stream time receive every stream-time advance.
 *
 * <p>An incremental store also hands out what changed since its previous checkpoint ({@link
 * #takeChanges}), cheaply on the task thread, so that checkpoints are written off that thread and
 * hold only changes (see {@code Checkpointer}); the others are snapshotted whole with {@link
 * #writeTo} on the task thread.
 */
public interface CheckpointableStore extends StateStore {

  /** Writes the content; deterministic: equal content gives equal bytes. */
  void writeTo(DataOutput out) throws IOException;

  /** Replaces the content with what {@link #writeTo} wrote. */
  void readFrom(DataInput in) throws IOException;

  /** Called by the task whenever its stream time advances; default: nothing to expire. */
  default void observeStreamTime(long streamTimeMs) {}

  /**
   * On the task thread, at a checkpoint: the entries changed since the previous call (or since
   * the store was created, restored or {@link #markAllChanged marked}), at a cost in the number of
   * changes, not the store's size; the result is written on another thread while the task goes on,
   * so it must not see later changes. Serdes of an incremental store may run on that thread: they
   * must be stateless. Default: null, the store is not incremental.
   */
  default StoreChanges takeChanges() {
    return null;
  }

  /** Counts the whole content as changed: the next {@link #takeChanges} returns all of it. */
  default void markAllChanged() {}

  /**
   * Replaces the content with merged changes (the header and the entries in key order, as {@link
   * #takeChanges} wrote them) and forgets pending changes. Only for incremental stores.
   */
  default void restoreChanges(byte[] header, Iterator<byte[][]> entries) throws IOException {
    throw new UnsupportedOperationException(name() + " is not an incremental store");
  }
}
