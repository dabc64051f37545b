package coursepulse.engine.log;

/**
 * One message read from a stream.
 *
 * @param stream the stream it was read from
 * @param offset its offset in that stream
 * @param timestamp when the log stored it, in epoch milliseconds (the chunk time on RabbitMQ)
 * @param body the payload, owned by the caller
 * @param decoded what the reader's decoder made of it on arrival ({@link
 *     LogReader#decodeOnArrival}), or {@code null} when the reader was given none or does not
 *     support one
 */
public record LogMessage(String stream, long offset, long timestamp, byte[] body, Object decoded) {

  /** A message without a decoded form. */
  public LogMessage(String stream, long offset, long timestamp, byte[] body) {
    this(stream, offset, timestamp, body, null);
  }
}
