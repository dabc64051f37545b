package coursepulse.engine;

/**
 * Decides what happens to a source record whose bytes the source's serde (or key or timestamp
 * extractor) cannot read. Whatever it answers, the engine first writes the record to the
 * dead-letter stream {@code <applicationId>-dlq} as JSON holding the source stream, offset, reason
 * and base64 of the raw bytes. Called on the task's thread.
 */
@FunctionalInterface
public interface DeserializationExceptionHandler {

  /** What to do after dead-lettering. */
  enum Response {
    /** Skip the record and go on: the default. */
    CONTINUE,
    /** Stop the engine (state ERROR) or, in the test driver, throw from the pipe call. */
    FAIL
  }

  /**
   * @param origin the source stream and offset of the record
   * @param rawBytes the message body as read
   * @param exception what the serde or extractor threw
   * @return whether to continue
   */
  Response handle(RecordMetadata origin, byte[] rawBytes, RuntimeException exception);

  /** Dead-letter and continue. */
  static DeserializationExceptionHandler logAndContinue() {
    return (origin, raw, e) -> Response.CONTINUE;
  }

  /** Dead-letter and fail. */
  static DeserializationExceptionHandler logAndFail() {
    return (origin, raw, e) -> Response.FAIL;
  }
}
