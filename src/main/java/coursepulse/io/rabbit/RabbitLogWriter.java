package coursepulse.io.rabbit;

import com.rabbitmq.stream.ConfirmationHandler;
import com.rabbitmq.stream.ConfirmationStatus;
import com.rabbitmq.stream.Producer;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link LogWriter} over one stream-client {@link Producer}.
 *
 * <p>RabbitMQ answers "0" when asked for the last publishing id of a producer name it has never
 * seen, which cannot be told apart from "id 0 was stored". So this writer stores {@code
 * publishingId + 1} on the broker and subtracts one when reading it back: {@link
 * #lastPublishingId()} is -1 for a new name, as the port requires. Publishing ids must therefore
 * be {@code >= 0}; another client sharing the producer name must apply the same shift.
 *
 * <p>Confirms arrive on the client's I/O threads; the writer counts outstanding messages and
 * remembers the first refusal, which every later {@link #append} and {@link #flush} reports: a
 * refused writer stays failed, and the caller reopens one and resumes from {@link
 * #lastPublishingId()} + 1.
 */
final class RabbitLogWriter implements LogWriter {

  private static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(10);

  private final RabbitStreamLog log;
  private final Producer producer;
  private final String stream;
  private final String producerName;
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicReference<LogException> failure = new AtomicReference<>();
  private final Object flushLock = new Object();
  private final ConfirmationHandler onConfirm = this::confirmed;
  private volatile boolean flushWaiting;
  private volatile boolean closed;

  RabbitLogWriter(RabbitStreamLog log, Producer producer, String stream, String producerName) {
    this.log = log;
    this.producer = producer;
    this.stream = stream;
    this.producerName = producerName;
  }

  @Override
  public long lastPublishingId() {
    if (producerName == null) {
      return -1;
    }
    try {
      return producer.getLastPublishingId() - 1;
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "query the last publishing id on");
    }
  }

  @Override
  public void append(long publishingId, byte[] body) {
    checkUsable();
    if (publishingId < 0) {
      throw new IllegalArgumentException("publishing id must be >= 0, was " + publishingId);
    }
    var builder = producer.messageBuilder();
    if (producerName != null) {
      builder.publishingId(publishingId + 1);
    }
    outstanding.incrementAndGet();
    try {
      // Blocks while maxUnconfirmedMessages are in flight: the bound on the writer's memory.
      producer.send(builder.addData(body).build(), onConfirm);
    } catch (RuntimeException e) {
      outstanding.decrementAndGet();
      throw RabbitErrors.onStream(e, stream, "append to");
    }
  }

  private void confirmed(ConfirmationStatus status) {
    if (!status.isConfirmed()) {
      failure.compareAndSet(
          null,
          new LogException(
              "RabbitMQ refused a message on stream '" + stream + "': "
                  + RabbitErrors.codeName(status.getCode())
                  + "; reopen the writer and resume after lastPublishingId()"));
    }
    if (outstanding.decrementAndGet() == 0 && flushWaiting) {
      synchronized (flushLock) {
        flushLock.notifyAll();
      }
    }
  }

  @Override
  public void flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    flushWaiting = true;
    try {
      synchronized (flushLock) {
        while (outstanding.get() > 0) {
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            throw new LogException(
                "timed out after " + timeout.toMillis() + " ms waiting for RabbitMQ to confirm "
                    + outstanding.get() + " message(s) on stream '" + stream + "'");
          }
          TimeUnit.NANOSECONDS.timedWait(flushLock, Math.min(remaining, 50_000_000L));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while flushing stream '" + stream + "'", e);
    } finally {
      flushWaiting = false;
    }
    LogException f = failure.get();
    if (f != null) {
      throw f;
    }
  }

  /** Messages sent but not yet confirmed or refused. */
  long outstanding() {
    return outstanding.get();
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("writer for stream '" + stream + "' is closed");
    }
    LogException f = failure.get();
    if (f != null) {
      throw f;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (failure.get() == null) {
        flush(CLOSE_FLUSH_TIMEOUT);
      }
    } finally {
      closeQuietly();
    }
  }

  /**
   * Releases the producer without waiting: on a lost connection each flush would wait its whole
   * timeout, and a failed task with several writers took 40 to 70 s to stop (measured in
   * ClusterScaleOutIT), holding its partition's lease all that time.
   */
  @Override
  public void abandon() {
    closeQuietly();
  }

  /** Releases the producer without waiting; used when the whole log closes. */
  void closeQuietly() {
    closed = true;
    BoundedClose.run("producer of stream '" + stream + "'", producer::close);
    log.forget(this);
  }

  @Override
  public String toString() {
    return "RabbitLogWriter{stream=" + stream + "}";
  }
}
