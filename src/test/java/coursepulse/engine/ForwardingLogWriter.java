package coursepulse.engine;

import coursepulse.engine.log.LogWriter;
import java.time.Duration;

/**
 * A writer that passes everything to another, for tests that change one of its answers (an
 * append that fails, a flush that hangs or waits for the test). Abandoning it abandons the
 * delegate.
 */
public abstract class ForwardingLogWriter implements LogWriter {
  protected final LogWriter delegate;

  protected ForwardingLogWriter(LogWriter delegate) {
    this.delegate = delegate;
  }

  @Override
  public long lastPublishingId() {
    return delegate.lastPublishingId();
  }

  @Override
  public void append(long publishingId, byte[] body) {
    delegate.append(publishingId, body);
  }

  @Override
  public void flush(Duration timeout) {
    delegate.flush(timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void abandon() {
    delegate.abandon();
  }
}
