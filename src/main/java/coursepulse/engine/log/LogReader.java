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

  /** The stream this reader reads. */
  String stream();

  @Override
  void close();
}
