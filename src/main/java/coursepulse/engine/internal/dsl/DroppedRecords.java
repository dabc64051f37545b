package coursepulse.engine.internal.dsl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs the records a DSL processor drops (null key, closed window), like Kafka Streams'
 * {@code dropped-records} sensor. Logged at DEBUG only: keys may be personal data.
 */
final class DroppedRecords {

  private static final Logger LOG = LoggerFactory.getLogger(DroppedRecords.class);

  private final String processorName;
  private long nullKey;
  private long expiredWindow;

  DroppedRecords(String processorName) {
    this.processorName = processorName;
  }

  void nullKeyOrValue() {
    nullKey++;
    LOG.debug("{}: skipping record with null key or value", processorName);
  }

  void expiredWindow(long timestamp, long closeTime, String window) {
    expiredWindow++;
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
