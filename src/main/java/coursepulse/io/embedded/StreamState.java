package coursepulse.io.embedded;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream of an {@link EmbeddedStreamLog}: its messages, deduplication state, consumer offsets
 * and, when file-backed, its segment files.
 *
 * <p>One lock guards everything; appends signal {@link #changed} so that waiting readers wake
 * without spinning. Readers see offsets below {@code committedOffset}: in memory that is every
 * appended message; file-backed it is every message handed to the operating system, so a reader
 * never acts on a message that a JVM crash could take back (and whose offset a later message would
 * then reuse). A reader that catches up with the committed offset while messages are still buffered
 * spills the buffer itself, so a producer that never flushes still gets read.
 *
 * <p>File-backed, the store keeps a body in memory until it is written and then only while the
 * log's cache has room for it: {@link #publish} tells it how far the file goes.
 *
 * <p>An I/O error fails the stream for good: later calls rethrow it rather than risk a gap.
 */
final class StreamState {

  /** Deduplication state of one producer name on this stream, guarded by the stream lock. */
  static final class Producer {
    final String name;
    long lastPublishingId = -1;

    Producer(String name) {
      this.name = name;
    }
  }

  private final String name;
  private final long maxAgeMillis;
  private final long maxLengthBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final MessageStore store;
  private final Map<String, Producer> producers = new HashMap<>();
  private final Map<String, Long> consumerOffsets = new HashMap<>();
  private final SegmentLog segments;
  private final Path directory;

  private long committedOffset;
  private boolean deleted;
  private boolean closed;
  private LogException failure;

  private StreamState(
      String name, Retention retention, MessageStore store, SegmentLog segments, Path directory) {
    this.name = name;
    this.maxAgeMillis = retention.maxAge() == null ? 0 : Math.max(0, retention.maxAge().toMillis());
    this.maxLengthBytes = Math.max(0, retention.maxLengthBytes());
    this.store = store;
    this.segments = segments;
    this.directory = directory;
    this.committedOffset = store.nextOffset();
  }

  static StreamState inMemory(String name, Retention retention) {
    return new StreamState(name, retention, new MessageStore(0), null, null);
  }

  static StreamState recovered(
      String name, Retention retention, Path directory, SegmentLog.Recovered recovered, long now) {
    StreamState state =
        new StreamState(name, retention, recovered.store(), recovered.log(), directory);
    recovered
        .producers()
        .forEach((producer, id) -> state.producer0(producer).lastPublishingId = id);
    state.consumerOffsets.putAll(recovered.consumers());
    state.lock.lock();
    try {
      state.applyRetention(now);
    } finally {
      state.lock.unlock();
    }
    return state;
  }

  String name() {
    return name;
  }

  Path directory() {
    return directory;
  }

  /** The shared deduplication state for {@code producerName}, created on first use. */
  Producer producer(String producerName) {
    lock.lock();
    try {
      checkUsable();
      return producer0(producerName);
    } finally {
      lock.unlock();
    }
  }

  long lastPublishingId(Producer producer) {
    lock.lock();
    try {
      checkUsable();
      return producer.lastPublishingId;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends {@code body} unless {@code producer} already stored {@code publishingId}.
   *
   * @param producer null for a writer without deduplication
   * @param now the log clock; the stored timestamp never goes below the previous one
   * @return whether the message was stored
   */
  boolean append(Producer producer, long publishingId, byte[] body, long now) {
    lock.lock();
    try {
      checkUsable();
      if (producer != null && publishingId <= producer.lastPublishingId) {
        return false;
      }
      long timestamp = Math.max(now, store.lastTimestamp());
      long offset = store.nextOffset();
      if (segments != null) {
        long bodyPosition;
        try {
          if (segments.shouldRoll()) {
            segments.roll(snapshot());
          }
          bodyPosition =
              segments.appendMessage(
                  offset, timestamp, producer == null ? null : producer.name, publishingId, body);
        } catch (IOException e) {
          throw fail("write", e);
        }
        store.append(timestamp, body, segments.activeBase(), bodyPosition);
      } else {
        store.append(timestamp, body);
      }
      if (producer != null) {
        producer.lastPublishingId = publishingId;
      }
      applyRetention(timestamp);
      publish();
      if (segments != null && lock.hasWaiters(changed)) {
        // still buffered, so not visible yet: a waiting reader wakes to spill it (read)
        changed.signalAll();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Makes every appended message durable according to the fsync policy, and visible. */
  void flush() {
    lock.lock();
    try {
      checkUsable();
      if (segments != null) {
        try {
          segments.force();
        } catch (IOException e) {
          throw fail("flush", e);
        }
        publish();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The offset a reader starting at {@code spec} reads first. */
  long startOffset(OffsetSpec spec, long now) {
    lock.lock();
    try {
      checkUsable();
      applyRetention(now);
      spillIfBuffered();
      if (spec instanceof OffsetSpec.First) {
        return store.firstOffset();
      }
      if (spec instanceof OffsetSpec.Last) {
        // every message is its own chunk here: "last" is the newest message
        return committedOffset > store.firstOffset() ? committedOffset - 1 : committedOffset;
      }
      if (spec instanceof OffsetSpec.Next) {
        return store.nextOffset();
      }
      if (spec instanceof OffsetSpec.Absolute) {
        long requested = ((OffsetSpec.Absolute) spec).offset();
        // like RabbitMQ: before the retained range starts at the first, beyond it waits at the end
        return Math.max(store.firstOffset(), Math.min(requested, store.nextOffset()));
      }
      if (spec instanceof OffsetSpec.Timestamp) {
        return store.firstOffsetAtOrAfter(((OffsetSpec.Timestamp) spec).epochMillis());
      }
      throw new IllegalArgumentException("unknown offset specification " + spec);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies up to {@code into.length} messages from {@code cursor.position} on, waiting up to {@code
   * timeoutNanos} for the first one. Advances the cursor.
   *
   * @return the number of messages copied, 0 on timeout
   */
  int read(EmbeddedReader cursor, LogMessage[] into, long timeoutNanos) {
    long nanos = timeoutNanos;
    lock.lock();
    try {
      while (true) {
        checkUsable();
        cursor.checkOpen();
        if (cursor.position < store.firstOffset()) {
          // retention removed what this reader had not read yet: continue at the oldest kept
          cursor.position = store.firstOffset();
        }
        if (cursor.position < committedOffset) {
          int n = (int) Math.min(into.length, committedOffset - cursor.position);
          try {
            for (int i = 0; i < n; i++) {
              into[i] = store.message(name, cursor.position + i);
            }
          } catch (UncheckedIOException e) {
            throw fail("read", e.getCause());
          }
          cursor.position += n;
          return n;
        }
        if (spillIfBuffered()) {
          continue;
        }
        if (nanos <= 0) {
          return 0;
        }
        nanos = changed.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while waiting for messages on stream '" + name + "'", e);
    } finally {
      lock.unlock();
    }
  }

  Optional<StreamStats> stats(long now) {
    lock.lock();
    try {
      checkUsable();
      applyRetention(now);
      spillIfBuffered();
      if (store.firstOffset() >= committedOffset) {
        return Optional.empty();
      }
      return Optional.of(new StreamStats(store.firstOffset(), committedOffset - 1));
    } finally {
      lock.unlock();
    }
  }

  void storeOffset(String consumer, long offset) {
    lock.lock();
    try {
      checkUsable();
      consumerOffsets.put(consumer, offset);
      if (segments != null) {
        try {
          segments.appendConsumerOffset(consumer, offset);
          segments.spill();
        } catch (IOException e) {
          throw fail("store an offset in", e);
        }
        publish();
      }
    } finally {
      lock.unlock();
    }
  }

  OptionalLong queryOffset(String consumer) {
    lock.lock();
    try {
      checkUsable();
      Long offset = consumerOffsets.get(consumer);
      return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of message bodies in the heap: for tests. */
  long bodyBytesInMemory() {
    lock.lock();
    try {
      return store.bodyBytesInMemory();
    } finally {
      lock.unlock();
    }
  }

  /** Number of segment files, or 0 in memory: for tests. */
  int segmentCount() {
    lock.lock();
    try {
      return segments == null ? 0 : segments.segmentCount();
    } finally {
      lock.unlock();
    }
  }

  /** Marks the stream deleted, releases its files without writing, and wakes its readers. */
  void markDeleted() throws IOException {
    lock.lock();
    try {
      deleted = true;
      changed.signalAll();
      store.release();
      if (segments != null) {
        segments.abandon();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Writes and closes the files (fsync per policy) and wakes readers, which then fail. */
  void close() throws IOException {
    lock.lock();
    try {
      if (closed || deleted) {
        return;
      }
      closed = true;
      changed.signalAll();
      if (segments != null) {
        if (failure == null) {
          segments.close();
        } else {
          // after a failed write nothing more may reach the file; its channels still close
          segments.abandon();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private Producer producer0(String producerName) {
    return producers.computeIfAbsent(producerName, Producer::new);
  }

  private SegmentLog.Snapshot snapshot() {
    Map<String, Long> ids = new LinkedHashMap<>();
    producers.forEach((producer, state) -> ids.put(producer, state.lastPublishingId));
    return new SegmentLog.Snapshot(
        store.nextOffset(), store.lastTimestamp(), ids, new LinkedHashMap<>(consumerOffsets));
  }

  /**
   * Moves the first offset past what retention no longer keeps. The newest message always stays, as
   * RabbitMQ never deletes the segment it writes to, so a non-empty stream stays non-empty.
   */
  private void applyRetention(long now) {
    if (store.isEmpty() || (maxAgeMillis == 0 && maxLengthBytes == 0)) {
      return;
    }
    long before = store.firstOffset();
    long newest = store.nextOffset() - 1;
    if (maxAgeMillis > 0) {
      long cutoff = now - maxAgeMillis;
      if (store.timestampAt(before) < cutoff) {
        store.trimTo(Math.min(store.firstOffsetAtOrAfter(cutoff), newest));
      }
    }
    if (maxLengthBytes > 0) {
      while (store.retainedBytes() > maxLengthBytes && store.firstOffset() < newest) {
        store.trimTo(store.firstOffset() + 1);
      }
    }
    if (segments != null && store.firstOffset() != before) {
      try {
        segments.deleteSegmentsBelow(store.firstOffset());
      } catch (IOException e) {
        throw fail("apply retention to", e);
      }
    }
  }

  /** Writes buffered messages out so readers may see them; true if there were any. */
  private boolean spillIfBuffered() {
    if (segments == null || segments.firstBufferedOffset() < 0) {
      return false;
    }
    try {
      segments.spill();
    } catch (IOException e) {
      throw fail("write", e);
    }
    publish();
    return true;
  }

  /** Whether {@code reader} has copied every message readers may see now. */
  boolean caughtUp(EmbeddedReader reader) {
    lock.lock();
    try {
      return reader.position >= committedOffset;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a reader that has everything below {@code offset} has every message it may see. */
  boolean caughtUpFrom(long offset) {
    lock.lock();
    try {
      return offset >= committedOffset;
    } finally {
      lock.unlock();
    }
  }

  /** Advances the offset readers may see and wakes them if it moved. */
  private void publish() {
    long visible = store.nextOffset();
    if (segments != null && segments.firstBufferedOffset() >= 0) {
      visible = segments.firstBufferedOffset();
    }
    if (visible > committedOffset) {
      committedOffset = visible;
      store.writtenBelow(visible);
      changed.signalAll();
    }
  }

  private void checkUsable() {
    if (deleted) {
      throw new StreamNotFoundException(name);
    }
    if (failure != null) {
      throw new LogException(failure.getMessage(), failure);
    }
    if (closed) {
      throw new LogException("embedded log is closed");
    }
  }

  private LogException fail(String action, IOException e) {
    failure =
        new LogException(
            "embedded log: cannot "
                + action
                + " stream '"
                + name
                + "' in "
                + directory
                + " ("
                + e
                + "); the stream is unusable until the log is reopened",
            e);
    changed.signalAll();
    return failure;
  }
}
