package coursepulse.engine;

import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A log that passes everything to another, for tests that change one or two of its answers (how
 * its readers tell their end, what {@code stats} says, counting questions). Partitions and groups
 * keep {@link StreamLog}'s defaults unless a subclass forwards them. Closing it does not close
 * the delegate: the test owns that.
 */
public abstract class ForwardingStreamLog implements StreamLog {
  protected final StreamLog delegate;
  private final String label;

  protected ForwardingStreamLog(StreamLog delegate, String label) {
    this.delegate = delegate;
    this.label = label;
  }

  @Override
  public void createStream(String stream, Retention retention) {
    delegate.createStream(stream, retention);
  }

  @Override
  public void deleteStream(String stream) {
    delegate.deleteStream(stream);
  }

  @Override
  public boolean streamExists(String stream) {
    return delegate.streamExists(stream);
  }

  @Override
  public Optional<StreamStats> stats(String stream) {
    return delegate.stats(stream);
  }

  @Override
  public LogWriter writer(String stream, String producerName) {
    return delegate.writer(stream, producerName);
  }

  @Override
  public LogReader reader(String stream, OffsetSpec from) {
    return delegate.reader(stream, from);
  }

  @Override
  public void storeOffset(String consumerName, String stream, long offset) {
    delegate.storeOffset(consumerName, stream, offset);
  }

  @Override
  public OptionalLong queryOffset(String consumerName, String stream) {
    return delegate.queryOffset(consumerName, stream);
  }

  @Override
  public String describe() {
    return label + " " + delegate.describe();
  }

  @Override
  public void close() {}
}
