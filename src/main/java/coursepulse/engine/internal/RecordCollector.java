package coursepulse.engine.internal;

/** Where a task's sinks and dead letters go: captured lists in the test driver, log writers in the runtime. */
public interface RecordCollector {

  /**
   * A record reached a sink.
   *
   * @param stream the sink's stream
   * @param key the key as forwarded to the sink (not written to a log)
   * @param value the serialized value
   * @param timestamp the record's event time
   */
  void send(String stream, Object key, byte[] value, long timestamp);

  /**
   * A source record could not be read.
   *
   * @param sourceStream the stream it came from
   * @param offset its offset there
   * @param deadLetter the encoded dead letter ({@link DeadLetter#encode})
   * @param timestamp the log timestamp of the record
   */
  void sendDeadLetter(String sourceStream, long offset, byte[] deadLetter, long timestamp);

  /** Where {@link #sendDeadLetter} puts dead letters, in the words a log line uses. */
  default String deadLetterDestination(String applicationId) {
    return DeadLetter.streamName(applicationId);
  }
}
