package coursepulse.cli;

import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.PartitionListener;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StreamLog} that reads each stream <em>once</em> from the log underneath and hands every
 * message to {@code consumers} readers: how a backtest runs two engines (two rule sets) over one
 * pass of the log. Each stream must be read by exactly {@code consumers} readers from the same
 * position; a reader asking for another position (an engine recovering from a log failure) fails
 * with a {@link LogException}, which ends the backtest rather than let one side see other data.
 *
 * <p>Per stream one pump thread polls the underlying reader and offers each message to every
 * reader's bounded queue, blocking while a queue is full: the faster engine waits for the slower
 * one, and memory stays bounded. It stops at the stream's end offset when one is given (messages
 * past it are not for this run). Writes, statistics and offsets go straight to the log underneath;
 * {@link #close()} stops the pumps but leaves that log open.
 */
final class FanOutLog implements StreamLog {

  private static final int QUEUE_CAPACITY = 4_096;
  private static final Duration POLL = Duration.ofMillis(100);

  private final StreamLog delegate;
  private final int consumers;
  private final Map<String, Long> endOffsets;
  private final Map<String, Tap> taps = new HashMap<>();
  private volatile boolean closed;

  /**
   * @param endOffsets per stream, the offset at which to stop reading (exclusive); streams not in
   *     it are read without end
   */
  FanOutLog(StreamLog delegate, int consumers, Map<String, Long> endOffsets) {
    if (consumers < 1) {
      throw new IllegalArgumentException("consumers must be >= 1");
    }
    this.delegate = delegate;
    this.consumers = consumers;
    this.endOffsets = Map.copyOf(endOffsets);
  }

  @Override
  public LogReader reader(String stream, OffsetSpec from) {
    Tap tap;
    synchronized (taps) {
      if (closed) {
        throw new IllegalStateException("fan-out log is closed");
      }
      tap = taps.computeIfAbsent(stream, s -> new Tap(s, from));
    }
    return tap.newReader(from);
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
  public List<String> partitions(String stream) {
    return delegate.partitions(stream);
  }

  @Override
  public int partitionFor(String key, int partitionCount) {
    return delegate.partitionFor(key, partitionCount);
  }

  @Override
  public GroupMembership joinGroup(String group, String stream, PartitionListener listener) {
    return delegate.joinGroup(group, stream, listener);
  }

  @Override
  public LogWriter writer(String stream, String producerName) {
    return delegate.writer(stream, producerName);
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
  public Optional<String> identity() {
    return delegate.identity();
  }

  @Override
  public String describe() {
    return delegate.describe() + " (one read shared by " + consumers + " readers)";
  }

  @Override
  public void close() {
    synchronized (taps) {
      closed = true;
      taps.values().forEach(Tap::close);
    }
  }

  /** One underlying reader of a stream and the queues of its readers. */
  private final class Tap {
    private final String stream;
    private final OffsetSpec from;
    private final long end;
    private final BlockingQueue<Object>[] queues;
    private final boolean[] readerClosed;
    private int handedOut;
    private volatile boolean stopped;
    private volatile LogException failure;
    private Thread pump;
    private LogReader source;

    @SuppressWarnings("unchecked")
    Tap(String stream, OffsetSpec from) {
      this.stream = stream;
      this.from = from;
      this.end = endOffsets.getOrDefault(stream, Long.MAX_VALUE);
      this.queues = new BlockingQueue[consumers];
      this.readerClosed = new boolean[consumers];
      for (int i = 0; i < consumers; i++) {
        queues[i] = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
      }
    }

    synchronized LogReader newReader(OffsetSpec requested) {
      if (!from.equals(requested)) {
        throw new LogException(
            "stream '" + stream + "' is shared by " + consumers + " readers from " + from
                + "; a reader from " + requested + " cannot join (did an engine restart?)");
      }
      if (handedOut == consumers) {
        throw new LogException(
            "stream '" + stream + "' already has its " + consumers + " readers");
      }
      if (source == null) {
        source = delegate.reader(stream, from);
        pump = new Thread(this::pump, "coursepulse-fanout-" + stream);
        pump.setDaemon(true);
        pump.start();
      }
      return new SlotReader(this, handedOut++);
    }

    private void pump() {
      try {
        while (!stopped) {
          LogMessage m = source.poll(POLL);
          if (m == null) {
            continue;
          }
          if (m.offset() >= end) {
            return; // the range is read; the engines stop by themselves at the same offset
          }
          for (int i = 0; i < consumers; i++) {
            while (!readerClosed[i] && !stopped && !queues[i].offer(m, 100, TimeUnit.MILLISECONDS)) {
              // the slower reader sets the pace
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (LogException e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = new LogException("reading '" + stream + "' failed: " + e.getMessage(), e);
      }
    }

    LogMessage poll(int slot, Duration timeout) {
      try {
        Object o = queues[slot].poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (o == null && failure != null) {
          throw failure;
        }
        return (LogMessage) o;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LogException("interrupted while reading '" + stream + "'", e);
      }
    }

    synchronized void closeSlot(int slot) {
      readerClosed[slot] = true;
      queues[slot].clear();
      boolean all = true;
      for (boolean c : readerClosed) {
        all &= c;
      }
      if (all) {
        close();
      }
    }

    synchronized void close() {
      stopped = true;
      if (pump != null) {
        try {
          pump.join(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (source != null) {
        source.close();
        source = null;
      }
    }
  }

  private static final class SlotReader implements LogReader {
    private final Tap tap;
    private final int slot;
    private boolean closed;

    SlotReader(Tap tap, int slot) {
      this.tap = tap;
      this.slot = slot;
    }

    @Override
    public LogMessage poll(Duration timeout) {
      if (closed) {
        throw new IllegalStateException("reader of '" + stream() + "' is closed");
      }
      return tap.poll(slot, timeout);
    }

    @Override
    public String stream() {
      return tap.stream;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        tap.closeSlot(slot);
      }
    }
  }
}
