package coursepulse.engine.internal;

import java.io.IOException;
import java.util.List;

/** Where a task's checkpoints live: the local state directory, or a stream of the log. */
interface CheckpointStore {

  /**
   * The newest usable chain: a full checkpoint and the deltas after it, oldest first (see {@link
   * Checkpoint}); empty when there is none.
   */
  List<Checkpoint> loadLatestChain() throws IOException;

  /** The newest usable checkpoint (the end of {@link #loadLatestChain}), or null when there is none. */
  default Checkpoint loadLatest() throws IOException {
    List<Checkpoint> chain = loadLatestChain();
    return chain.isEmpty() ? null : chain.get(chain.size() - 1);
  }

  /**
   * The chain ending at checkpoint {@code sequence}, for compacting it into a full checkpoint off
   * the task thread; null when this store no longer has it complete.
   */
  default List<Checkpoint> chainEndingAt(long sequence) throws IOException {
    List<Checkpoint> chain = loadLatestChain();
    return !chain.isEmpty() && chain.get(chain.size() - 1).sequence() == sequence ? chain : null;
  }

  /**
   * The sequence a task that restored checkpoint {@code restored} (0: none) numbers its next
   * checkpoint after. Above {@code restored} itself where another holder of the task may still be
   * writing (see {@link LogCheckpointStore}).
   */
  default long continueAfter(long restored) throws IOException {
    return restored;
  }

  /**
   * Stores {@code checkpoint} durably before returning. Called by one thread at a time, not
   * necessarily the task's.
   *
   * @return its size in bytes
   */
  long write(Checkpoint checkpoint) throws IOException;
}
