package coursepulse.engine.internal.dsl;

import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.Serde;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.Windowed;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code suppress(untilWindowCloses(unbounded()))} (Kafka's {@code KTableSuppressProcessor} with a
 * window-end time definition): keeps the latest update per windowed key and emits it once {@code
 * window end <= observedStreamTime - closeDelay}, in order of window end, then serialized key,
 * then window start. Deletions are dropped at emission, as Kafka does for final results.
 */
final class SuppressProcessor<K, V> implements Processor<Windowed<K>, Change<V>, Windowed<K>, Change<V>> {

  private final long closeDelayMs;
  private final Comparator<K> keyOrder;
  private final TreeMap<BufferKey<K>, StreamRecord<Windowed<K>, Change<V>>> buffer;
  private final Map<Windowed<K>, BufferKey<K>> index = new HashMap<>();
  private ProcessorContext<Windowed<K>, Change<V>> context;
  private long observedStreamTime = Long.MIN_VALUE;
  private long sequence;

  /**
   * @param closeDelayMs grace (time windows) or gap + grace (session windows)
   * @param keySerde orders keys of equal window end by their bytes, as Kafka does; may be null
   */
  SuppressProcessor(long closeDelayMs, Serde<K> keySerde) {
    this.closeDelayMs = closeDelayMs;
    this.keyOrder = keySerde == null ? null : bytesOrder(keySerde);
    this.buffer = new TreeMap<>(this::compare);
  }

  private static <K> Comparator<K> bytesOrder(Serde<K> keySerde) {
    return (a, b) -> Arrays.compareUnsigned(keySerde.serialize(a), keySerde.serialize(b));
  }

  private record BufferKey<K>(long time, Windowed<K> key, long sequence) {}

  private int compare(BufferKey<K> a, BufferKey<K> b) {
    int c = Long.compare(a.time(), b.time());
    if (c != 0) {
      return c;
    }
    if (keyOrder != null) {
      c = keyOrder.compare(a.key().key(), b.key().key());
      if (c != 0) {
        return c;
      }
      c = Long.compare(a.key().window().startMs(), b.key().window().startMs());
      if (c != 0) {
        return c;
      }
    }
    return Long.compare(a.sequence(), b.sequence());
  }

  @Override
  public void init(ProcessorContext<Windowed<K>, Change<V>> context) {
    this.context = context;
  }

  @Override
  public void process(StreamRecord<Windowed<K>, Change<V>> record) {
    observedStreamTime = Math.max(observedStreamTime, record.timestamp());
    BufferKey<K> previous = index.remove(record.key());
    Change<V> change = record.value();
    if (previous != null) {
      StreamRecord<Windowed<K>, Change<V>> old = buffer.remove(previous);
      // The emitted change spans from the value before the first buffered update.
      change = new Change<>(change.newValue(), old.value().oldValue());
    }
    BufferKey<K> key = new BufferKey<>(record.key().window().endMs(), record.key(), sequence++);
    buffer.put(key, record.withValue(change));
    index.put(record.key(), key);

    long expiryTime = observedStreamTime - closeDelayMs;
    while (!buffer.isEmpty() && buffer.firstKey().time() <= expiryTime) {
      Map.Entry<BufferKey<K>, StreamRecord<Windowed<K>, Change<V>>> first = buffer.pollFirstEntry();
      index.remove(first.getKey().key());
      if (first.getValue().value().newValue() != null) {
        context.forward(first.getValue());
      }
    }
  }
}
