package coursepulse.engine.internal.dsl;

import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.ValueAndTimestamp;
import coursepulse.engine.ValueJoiner;

/**
 * Joins each stream record with the table's current value for its key (Kafka's {@code
 * KStreamKTableJoinProcessor} on a non-versioned table). Drops records with a null value, and
 * with a null key unless left join; the output keeps the stream record's key and timestamp.
 */
final class StreamTableJoinProcessor<K, V, VT, VR> implements Processor<K, V, K, VR> {

  private final String tableStoreName;
  private final ValueJoiner<? super V, ? super VT, ? extends VR> joiner;
  private final boolean leftJoin;
  private final DroppedRecords dropped;
  private ProcessorContext<K, VR> context;
  private KeyValueStore<K, ValueAndTimestamp<VT>> table;

  StreamTableJoinProcessor(
      String processorName,
      String tableStoreName,
      ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
      boolean leftJoin) {
    this.tableStoreName = tableStoreName;
    this.joiner = joiner;
    this.leftJoin = leftJoin;
    this.dropped = new DroppedRecords(processorName);
  }

  @Override
  public void init(ProcessorContext<K, VR> context) {
    this.context = context;
    dropped.bind(context);
    this.table = context.getStateStore(tableStoreName);
  }

  @Override
  public void process(StreamRecord<K, V> record) {
    if (record.value() == null || (record.key() == null && !leftJoin)) {
      dropped.nullKeyOrValue();
      return;
    }
    VT tableValue =
        record.key() == null ? null : ValueAndTimestamp.getValueOrNull(table.get(record.key()));
    if (leftJoin || tableValue != null) {
      context.forward(record.<VR>withValue(joiner.apply(record.value(), tableValue)));
    }
  }
}
