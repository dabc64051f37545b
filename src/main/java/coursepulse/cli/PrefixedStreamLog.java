package coursepulse.cli;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A log whose every stream is stored under {@code prefix + name}, so a program that uses the
 * product's stream names ({@code demo}) can run on a real broker without writing into the streams
 * of real work. Plain streams only (no partitions, no groups).
 */
final class PrefixedStreamLog implements StreamLog {
  private final StreamLog log;
  private final String prefix;

  PrefixedStreamLog(StreamLog log, String prefix) {
    this.log = log;
    this.prefix = prefix;
  }

  private String name(String stream) {
    return prefix + stream;
  }

  @Override
  public void createStream(String stream, Retention retention) {
    log.createStream(name(stream), retention);
  }

  @Override
  public void deleteStream(String stream) {
    log.deleteStream(name(stream));
  }

  @Override
  public boolean streamExists(String stream) {
    return log.streamExists(name(stream));
  }

  @Override
  public Optional<StreamStats> stats(String stream) {
    return log.stats(name(stream));
  }

  @Override
  public LogWriter writer(String stream, String producerName) {
    return log.writer(name(stream), producerName);
  }

  @Override
  public LogReader reader(String stream, OffsetSpec from) {
    LogReader r = log.reader(name(stream), from);
    return new LogReader() {
      @Override
      public LogMessage poll(Duration timeout) {
        return r.poll(timeout);
      }

      @Override
      public String stream() {
        return stream;
      }

      @Override
      public void close() {
        r.close();
      }
    };
  }

  @Override
  public void storeOffset(String consumerName, String stream, long offset) {
    log.storeOffset(consumerName, name(stream), offset);
  }

  @Override
  public OptionalLong queryOffset(String consumerName, String stream) {
    return log.queryOffset(consumerName, name(stream));
  }

  /** Another set of streams than the log's own: its own identity. */
  @Override
  public Optional<String> identity() {
    return log.identity().map(id -> id + " " + prefix + "*");
  }

  @Override
  public String describe() {
    return log.describe() + " (streams named " + prefix + "*)";
  }

  @Override
  public void close() {
    log.close();
  }
}
