package coursepulse.engine.internal.dsl;

import coursepulse.engine.Aggregator;
import coursepulse.engine.Initializer;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.ValueAndTimestamp;

/**
 * Aggregates a grouped stream into a table (Kafka's {@code KStreamAggregate}): drops records with
 * a null key or value, and emits every update with the largest timestamp aggregated so far.
 */
final class StreamAggregateProcessor<K, V, VA> implements Processor<K, V, K, Change<VA>> {

  private final String storeName;
  private final Initializer<VA> initializer;
  private final Aggregator<? super K, ? super V, VA> aggregator;
  private final DroppedRecords dropped;
  private ProcessorContext<K, Change<VA>> context;
  private KeyValueStore<K, ValueAndTimestamp<VA>> store;

  StreamAggregateProcessor(
      String processorName,
      String storeName,
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator) {
    this.storeName = storeName;
    this.initializer = initializer;
    this.aggregator = aggregator;
    this.dropped = new DroppedRecords(processorName);
  }

  @Override
  public void init(ProcessorContext<K, Change<VA>> context) {
    this.context = context;
    dropped.bind(context);
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(StreamRecord<K, V> record) {
    if (record.key() == null || record.value() == null) {
      dropped.nullKeyOrValue();
      return;
    }
    ValueAndTimestamp<VA> old = store.get(record.key());
    VA oldAgg = ValueAndTimestamp.getValueOrNull(old);
    VA base;
    long timestamp;
    if (oldAgg == null) {
      base = initializer.apply();
      timestamp = record.timestamp();
    } else {
      base = oldAgg;
      timestamp = Math.max(record.timestamp(), old.timestamp());
    }
    VA newAgg = aggregator.apply(record.key(), record.value(), base);
    store.put(record.key(), ValueAndTimestamp.make(newAgg, timestamp));
    context.forward(new StreamRecord<>(record.key(), new Change<>(newAgg, oldAgg), timestamp));
  }
}
