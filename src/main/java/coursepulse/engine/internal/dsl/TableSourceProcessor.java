package coursepulse.engine.internal.dsl;

import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.ValueAndTimestamp;

/**
 * Materializes a stream as a table of the latest value per key (Kafka's {@code KTableSource}):
 * drops null keys, deletes on a null value, and emits every update with its record's timestamp,
 * out-of-order ones included.
 */
final class TableSourceProcessor<K, V> implements Processor<K, V, K, Change<V>> {

  private final String storeName;
  private final DroppedRecords dropped;
  private ProcessorContext<K, Change<V>> context;
  private KeyValueStore<K, ValueAndTimestamp<V>> store;

  TableSourceProcessor(String processorName, String storeName) {
    this.storeName = storeName;
    this.dropped = new DroppedRecords(processorName);
  }

  @Override
  public void init(ProcessorContext<K, Change<V>> context) {
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
    V old = ValueAndTimestamp.getValueOrNull(store.get(record.key()));
    store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
    context.forward(record.withValue(new Change<>(record.value(), old)));
  }
}
