package coursepulse.engine.log;

/**
 * Offsets currently stored in a non-empty stream.
 *
 * @param firstOffset offset of the oldest message retention has kept
 * @param lastOffset offset of the newest message (on RabbitMQ 3.11+ the first offset of the last
 *     committed chunk, which may be a little behind the very last message)
 */
public record StreamStats(long firstOffset, long lastOffset) {

  /** Number of messages between the two offsets, inclusive. */
  public long count() {
    return lastOffset - firstOffset + 1;
  }
}
