package coursepulse.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * Pipes records into one input stream of a {@link TestDriver}. Each pipe serializes the value,
 * gives it the next offset of the stream and processes it at once, with every effect (outputs,
 * store changes, stream-time punctuations) visible when the call returns.
 *
 * @param <V> value type
 */
public final class TestInputStream<V> {

  private final TestDriver driver;
  private final String stream;
  private final Serde<V> serde;

  TestInputStream(TestDriver driver, String stream, Serde<V> serde) {
    this.driver = driver;
    this.stream = stream;
    this.serde = serde;
  }

  /** The stream name. */
  public String stream() {
    return stream;
  }

  /**
   * Pipes a value stored in the log at {@code timestampMs} (the event time unless the source's
   * timestamp extractor says otherwise).
   */
  public void pipe(V value, long timestampMs) {
    driver.pipe(stream, serde.serialize(Objects.requireNonNull(value, "value")), timestampMs);
  }

  /** Pipes a value stored in the log at {@code timestamp}. */
  public void pipe(V value, Instant timestamp) {
    pipe(value, timestamp.toEpochMilli());
  }

  /** Pipes a value stored at the driver's current wall-clock time. */
  public void pipe(V value) {
    pipe(value, driver.wallClockTimeMs());
  }

  /** Pipes raw bytes as the log would deliver them; unreadable bytes go to the dead-letter stream. */
  public void pipeRaw(byte[] body, long timestampMs) {
    driver.pipe(stream, Objects.requireNonNull(body, "body"), timestampMs);
  }
}
