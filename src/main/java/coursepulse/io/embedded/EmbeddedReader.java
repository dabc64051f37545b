package coursepulse.io.embedded;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link LogReader} of the {@link EmbeddedStreamLog}: a cursor into the stream's stored messages
 * plus a small buffer. The buffer is refilled only when it is empty and the caller polls, so a
 * reader that is not polled holds nothing, and a polled one at most {@code capacity} messages.
 * Given a decoder ({@link #decodeOnArrival}), it reads ahead on a thread instead and holds up to
 * twice that many, decoded.
 */
final class EmbeddedReader implements LogReader {

  private final EmbeddedStreamLog log;
  private final StreamState stream;
  private final LogMessage[] buffer;
  private int head;
  private int count;
  private volatile boolean closed;
  private DecodingReadAhead readAhead;

  /** Offset of the next message to copy from the stream; guarded by the stream lock. */
  long position;

  EmbeddedReader(EmbeddedStreamLog log, StreamState stream, long position, int capacity) {
    this.log = log;
    this.stream = stream;
    this.position = position;
    this.buffer = new LogMessage[capacity];
  }

  @Override
  public LogMessage poll(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    checkOpen();
    if (readAhead != null) {
      return readAhead.poll(timeout.toNanos());
    }
    if (count == 0) {
      head = 0;
      count = stream.read(this, buffer, Math.max(0, timeout.toNanos()));
      if (count == 0) {
        return null;
      }
    }
    LogMessage next = buffer[head];
    buffer[head] = null;
    head++;
    count--;
    return next;
  }

  /**
   * Reads ahead and decodes on a thread of this reader's ({@link DecodingReadAhead}) when the
   * machine has a core for it; on one core the caller decodes, without the hand-over.
   */
  @Override
  public boolean decodeOnArrival(Function<LogMessage, Object> decoder) {
    Objects.requireNonNull(decoder, "decoder");
    checkOpen();
    if (readAhead != null || count > 0 || Runtime.getRuntime().availableProcessors() < 2) {
      return false;
    }
    readAhead = new DecodingReadAhead(this, stream, decoder, buffer.length, position);
    readAhead.start();
    return true;
  }

  /** It starts one ({@link DecodingReadAhead}): the log has no client thread. */
  @Override
  public boolean decodesOnAThreadOfItsOwn() {
    return true;
  }

  /** Exact: the log is in this process, so its visible end is known without asking anyone. */
  @Override
  public Catchup catchup() {
    checkOpen();
    if (readAhead != null) {
      return readAhead.caughtUp() ? Catchup.CAUGHT_UP : Catchup.BEHIND;
    }
    return count == 0 && stream.caughtUp(this) ? Catchup.CAUGHT_UP : Catchup.BEHIND;
  }

  @Override
  public String stream() {
    return stream.name();
  }

  /** Messages held in this reader's buffer (or read ahead): for tests. */
  int buffered() {
    return readAhead != null ? readAhead.buffered() : count;
  }

  /** Buffer capacity: for tests. */
  int capacity() {
    return buffer.length;
  }

  @Override
  public void close() {
    closed = true;
    if (readAhead != null) {
      readAhead.stop();
    }
    Arrays.fill(buffer, null);
    count = 0;
    log.forget(this);
  }

  /** Marks the reader closed: the log is closing it. */
  void release() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    log.checkOpen();
    if (closed) {
      throw new IllegalStateException("reader on stream '" + stream.name() + "' is closed");
    }
  }
}
