package coursepulse.io.embedded;

import coursepulse.engine.log.LogWriter;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link LogWriter} of the {@link EmbeddedStreamLog}. Appends are synchronous: when {@link
 * #append} returns the message is stored (or dropped as a duplicate), so {@link #flush} only has to
 * make file-backed data durable and visible, and never waits on anything but the disk.
 */
final class EmbeddedWriter implements LogWriter {

  private final EmbeddedStreamLog log;
  private final StreamState stream;
  private final StreamState.Producer producer;
  private volatile boolean closed;

  EmbeddedWriter(EmbeddedStreamLog log, StreamState stream, StreamState.Producer producer) {
    this.log = log;
    this.stream = stream;
    this.producer = producer;
  }

  @Override
  public long lastPublishingId() {
    checkOpen();
    return producer == null ? -1 : stream.lastPublishingId(producer);
  }

  @Override
  public void append(long publishingId, byte[] body) {
    Objects.requireNonNull(body, "body");
    checkOpen();
    stream.append(producer, publishingId, body, log.clock().millis());
  }

  @Override
  public void flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    checkOpen();
    stream.flush();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      if (!log.isClosed()) {
        stream.flush();
      }
    } catch (RuntimeException e) {
      // a deleted stream has nothing left to flush; any other failure was reported by append/flush
    } finally {
      closed = true;
      log.forget(this);
    }
  }

  /** Marks the writer closed without touching the stream: the log is closing it. */
  void release() {
    closed = true;
  }

  private void checkOpen() {
    log.checkOpen();
    if (closed) {
      throw new IllegalStateException("writer on stream '" + stream.name() + "' is closed");
    }
  }
}
