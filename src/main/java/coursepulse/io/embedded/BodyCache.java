package coursepulse.io.embedded;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that the streams of one file-backed log may use, together, for written message bodies
 * kept for readers. One budget for the whole log, not one per stream, so that a log of many
 * streams (a super stream's partitions, say) needs no more heap than a log of a few.
 *
 * <p>Each stream evicts only its own blocks, under its own lock, whenever the log as a whole is
 * over the budget; no stream ever takes another's lock.
 */
final class BodyCache {

  private final long limitBytes;
  private final AtomicLong heldBytes = new AtomicLong();

  BodyCache(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  void charge(long bytes) {
    heldBytes.addAndGet(bytes);
  }

  boolean isOver() {
    return heldBytes.get() > limitBytes;
  }

  long heldBytes() {
    return heldBytes.get();
  }
}
