package coursepulse.engine.internal.dsl;

import coursepulse.engine.ProcessorContext;
import coursepulse.engine.internal.InternalProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs the records a DSL processor drops (null key, closed window), like Kafka Streams'
 * {@code dropped-records} sensor: through the engine's {@link InternalProcessorContext} (metric
 * {@code coursepulse.engine.records.dropped}, tag {@code reason}) and in counters for tests. Logged
 * at DEBUG only: keys may be personal data.
 */
final class DroppedRecords {

  private static final Logger LOG = LoggerFactory.getLogger(DroppedRecords.class);

  private final String processorName;
  private long nullKey;
  private long expiredWindow;

  private InternalProcessorContext<?, ?> context;

  DroppedRecords(String processorName) {
    this.processorName = processorName;
  }

  void bind(ProcessorContext<?, ?> context) {
    this.context = context instanceof InternalProcessorContext<?, ?> c ? c : null;
  }

  void nullKeyOrValue() {
    nullKey++;
    if (context != null) {
      context.recordDropped("null-key");
    }
    LOG.debug("{}: skipping record with null key or value", processorName);
  }

  void expiredWindow(long timestamp, long closeTime, String window) {
    expiredWindow++;
    if (context != null) {
      context.recordDropped("late");
    }
    LOG.debug(
        "{}: skipping record for expired window {}: timestamp {} < close time {}",
        processorName,
        window,
        timestamp,
        closeTime);
  }

  long total() {
    return nullKey + expiredWindow;
  }

  long expired() {
    return expiredWindow;
  }
}
