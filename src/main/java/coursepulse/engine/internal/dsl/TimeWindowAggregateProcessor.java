package coursepulse.engine.internal.dsl;

import coursepulse.engine.Aggregator;
import coursepulse.engine.Initializer;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.TimeWindows;
import coursepulse.engine.ValueAndTimestamp;
import coursepulse.engine.Window;
import coursepulse.engine.WindowStore;
import coursepulse.engine.Windowed;
import java.util.Map;

/**
 * Aggregates a grouped stream per time window (Kafka's {@code KStreamWindowAggregate}). A window
 * takes a record while {@code end > observedStreamTime - grace}; each update is emitted with the
 * largest timestamp of the window's records. Stream time is observed here, from the records that
 * reach this processor, as Kafka does.
 */
final class TimeWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {

  private final String storeName;
  private final TimeWindows windows;
  private final Initializer<VA> initializer;
  private final Aggregator<? super K, ? super V, VA> aggregator;
  private final DroppedRecords dropped;
  private ProcessorContext<Windowed<K>, Change<VA>> context;
  private WindowStore<K, ValueAndTimestamp<VA>> store;
  private long observedStreamTime = Long.MIN_VALUE;

  TimeWindowAggregateProcessor(
      String processorName,
      String storeName,
      TimeWindows windows,
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator) {
    this.storeName = storeName;
    this.windows = windows;
    this.initializer = initializer;
    this.aggregator = aggregator;
    this.dropped = new DroppedRecords(processorName);
  }

  @Override
  public void init(ProcessorContext<Windowed<K>, Change<VA>> context) {
    this.context = context;
    dropped.bind(context);
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(StreamRecord<K, V> record) {
    if (record.key() == null) {
      dropped.nullKeyOrValue();
      return;
    }
    long timestamp = record.timestamp();
    observedStreamTime = Math.max(observedStreamTime, timestamp);
    long closeTime = observedStreamTime - windows.gracePeriodMs();
    for (Map.Entry<Long, Window> entry : windows.windowsFor(timestamp).entrySet()) {
      long start = entry.getKey();
      Window window = entry.getValue();
      if (window.endMs() <= closeTime) {
        dropped.expiredWindow(timestamp, closeTime, "[" + start + "," + window.endMs() + ")");
        continue;
      }
      ValueAndTimestamp<VA> old = store.fetch(record.key(), start);
      VA oldAgg = ValueAndTimestamp.getValueOrNull(old);
      VA base;
      long newTimestamp;
      if (oldAgg == null) {
        base = initializer.apply();
        newTimestamp = timestamp;
      } else {
        base = oldAgg;
        newTimestamp = Math.max(timestamp, old.timestamp());
      }
      VA newAgg = aggregator.apply(record.key(), record.value(), base);
      store.put(record.key(), ValueAndTimestamp.make(newAgg, newTimestamp), start);
      context.forward(
          new StreamRecord<>(
              new Windowed<>(record.key(), window), new Change<>(newAgg, oldAgg), newTimestamp));
    }
  }
}
