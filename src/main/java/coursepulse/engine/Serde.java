package coursepulse.engine;

/**
 * Turns values into bytes and back, for sources, sinks and checkpoints. Implementations are
 * thread-safe and deterministic: equal values give equal bytes.
 */
public interface Serde<T> {

  byte[] serialize(T value);

  /**
   * @throws RuntimeException when the bytes are not a valid value; at a source the engine sends
   *     such a record to the dead-letter stream with the exception's message as reason
   */
  T deserialize(byte[] bytes);
}
