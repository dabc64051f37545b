package coursepulse.engine.log;

/**
 * One message read from a stream.
 *
 * @param stream the stream it was read from
 * @param offset its offset in that stream
 * @param timestamp when the log stored it, in epoch milliseconds (the chunk time on RabbitMQ)
 * @param body the payload, owned by the caller
 */
public record LogMessage(String stream, long offset, long timestamp, byte[] body) {}
