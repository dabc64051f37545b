package coursepulse.engine.log;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

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
   * Hands the messages already received, up to {@code max}, to {@code sink} in offset order,
   * without waiting: the caller takes a chunk's worth at once instead of one message per call.
   *
   * @return how many messages were handed over
   * @throws LogException when the subscription failed for good (after handing over what came
   *     before the failure)
   */
  default int drain(int max, Consumer<? super LogMessage> sink) {
    int n = 0;
    while (n < max) {
      LogMessage m = poll(Duration.ZERO);
      if (m == null) {
        break;
      }
      sink.accept(m);
      n++;
    }
    return n;
  }

  /**
   * Asks the reader to apply {@code decoder} to each message on the thread that receives it from
   * the log, before the caller takes it, and to hand the result over in {@link
   * LogMessage#decoded()}: decoding then runs beside the caller's thread instead of on it. Call it
   * before the first {@link #poll}.
   *
   * <p>The decoder must be thread-safe and must not throw: a message it cannot decode is described
   * in its result, for the caller to handle in order.
   *
   * @return false by default: the reader does not support it, messages come without a decoded
   *     form and the caller decodes them itself
   */
  default boolean decodeOnArrival(Function<LogMessage, Object> decoder) {
    return false;
  }

  /**
   * Whether {@link #decodeOnArrival} would start a thread of this reader's to decode on, rather
   * than use one the log runs anyway (a client's dispatch thread): the engine then offers its
   * decoder only when it has a core to spare for that thread.
   *
   * @return false by default
   */
  default boolean decodesOnAThreadOfItsOwn() {
    return false;
  }

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

  /**
   * Releases the reader without waiting for the log: for a reader whose task is thrown away after
   * a log failure, when a close can wait on the very outage that failed the task (a subscription
   * the client is still recovering). The default closes.
   */
  default void abandon() {
    close();
  }
}
