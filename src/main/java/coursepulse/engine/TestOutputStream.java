package coursepulse.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads what a {@link TestDriver}'s sinks wrote to one stream, oldest first. Each record is read
 * once; several readers of the same stream share its queue.
 *
 * @param <K> key type (the key as forwarded to the sink; it is not serialized)
 * @param <V> value type
 */
public final class TestOutputStream<K, V> {

  private final TestDriver driver;
  private final String stream;
  private final Serde<V> serde;

  TestOutputStream(TestDriver driver, String stream, Serde<V> serde) {
    this.driver = driver;
    this.stream = stream;
    this.serde = serde;
  }

  /** The stream name. */
  public String stream() {
    return stream;
  }

  /**
   * The oldest unread record: the key as forwarded to the sink, the value read back through the
   * serde, and the event time.
   *
   * @throws NoSuchElementException when no record is waiting
   */
  @SuppressWarnings("unchecked")
  public StreamRecord<K, V> readRecord() {
    TestDriver.Captured c = driver.poll(stream);
    if (c == null) {
      throw new NoSuchElementException("no record waiting in output stream '" + stream + "'");
    }
    return new StreamRecord<>((K) c.key(), serde.deserialize(c.value()), c.timestamp());
  }

  /** The value of the oldest unread record. */
  public V readValue() {
    return readRecord().value();
  }

  /** Reads every waiting record. */
  public List<StreamRecord<K, V>> readRecordsToList() {
    List<StreamRecord<K, V>> out = new ArrayList<>();
    while (!isEmpty()) {
      out.add(readRecord());
    }
    return out;
  }

  /** Reads the values of every waiting record. */
  public List<V> readValuesToList() {
    List<V> out = new ArrayList<>();
    while (!isEmpty()) {
      out.add(readRecord().value());
    }
    return out;
  }

  /** Whether no record is waiting. */
  public boolean isEmpty() {
    return driver.waiting(stream) == 0;
  }

  /** Number of records waiting. */
  public int queueSize() {
    return driver.waiting(stream);
  }
}
