package coursepulse.engine.log;

import java.time.Duration;

/**
 * Reads one stream from a starting position, in offset order.
 *
 * <p>The reader holds a bounded buffer and asks the log for more only as the caller takes
 * messages (credit-based flow control on RabbitMQ). Not thread-safe: one reader belongs to one
 * thread.
 */
public interface LogReader extends AutoCloseable {

  /**
   * The next message, waiting up to {@code timeout} for one to arrive.
   *
   * @return the message, or {@code null} when none arrived in time
   * @throws LogException when the subscription failed for good
   */
  LogMessage poll(Duration timeout);

  /**
   * Whether every message stored in the stream, as far as this reader already knows, has been
   * returned by {@link #poll}: the engine's timestamp merge waits for an empty input until its
   * reader is {@link Catchup#CAUGHT_UP}, so that a record already in the log is never overtaken
   * by a later one of another input (same input, same output).
   *
   * <p>Answered from what the reader was already told (the log's end when it subscribed, the
   * metadata of the chunks it received, how long nothing arrived); never a call to the log, so the
   * caller may ask as often as it likes. Implementations document how exact the answer is. Called
   * by the reader's thread.
   *
   * @return {@link Catchup#UNKNOWN} by default: the reader cannot tell, and the caller has to ask
   *     the log ({@link StreamLog#stats})
   */
  default Catchup catchup() {
    return Catchup.UNKNOWN;
  }

  /** What a reader knows about the end of its stream. */
  enum Catchup {
    /** More is stored than {@link #poll} has returned, or may be. */
    BEHIND,
    /** {@link #poll} has returned everything the reader knows to be stored. */
    CAUGHT_UP,
    /** The reader cannot tell. */
    UNKNOWN
  }

  /** The stream this reader reads. */
  String stream();

  @Override
  void close();
}
