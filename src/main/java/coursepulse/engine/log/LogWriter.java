package coursepulse.engine.log;

import java.time.Duration;

/**
 * Appends messages to one stream under one producer name.
 *
 * <p>Appends are asynchronous and pipelined; the number of unconfirmed messages is bounded, so
 * {@link #append} blocks when the log falls behind. {@link #flush} waits until every message
 * appended so far is stored (or dropped as a duplicate) and reports the first failure. Not
 * thread-safe: one writer belongs to one thread.
 */
public interface LogWriter extends AutoCloseable {

  /**
   * The highest publishing id the log has stored for this producer name on this stream, or -1.
   * A restarting producer continues from {@code lastPublishingId() + 1}.
   */
  long lastPublishingId();

  /**
   * Appends one message.
   *
   * @param publishingId strictly increasing per producer name; a value not above the last stored
   *     one makes the log drop the message
   * @param body the payload; the writer does not copy it, so do not modify it afterwards
   * @throws LogException when an earlier append failed or the log is unreachable
   */
  void append(long publishingId, byte[] body);

  /**
   * Waits until every appended message is confirmed.
   *
   * @throws LogException when a message was refused or the timeout passed
   */
  void flush(Duration timeout);

  /** Flushes (bounded wait) and releases the writer. */
  @Override
  void close();

  /**
   * Releases the writer without waiting for unconfirmed messages: for a writer whose owner is
   * thrown away after a failure, whose outputs since its last checkpoint are written again under
   * the same publishing ids. The default closes (flushing first).
   */
  default void abandon() {
    close();
  }
}
