package coursepulse.engine;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A minimal thread-safe StreamLog for the engine's own tests (the full embedded log lives in
 * {@code coursepulse.io.embedded}): dense offsets, deduplication by producer name and publishing
 * id, blocking reads, named-consumer offsets.
 */
final class InMemoryStreamLog implements StreamLog {

  private final Map<String, List<LogMessage>> streams = new HashMap<>();
  private final Map<String, Long> lastIds = new HashMap<>();
  private final Map<String, Long> offsets = new HashMap<>();
  private final Clock clock;

  InMemoryStreamLog(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void createStream(String stream, Retention retention) {
    streams.putIfAbsent(stream, new ArrayList<>());
  }

  @Override
  public synchronized void deleteStream(String stream) {
    streams.remove(stream);
  }

  @Override
  public synchronized boolean streamExists(String stream) {
    return streams.containsKey(stream);
  }

  @Override
  public synchronized Optional<StreamStats> stats(String stream) {
    List<LogMessage> l = messages(stream);
    return l.isEmpty() ? Optional.empty() : Optional.of(new StreamStats(0, l.size() - 1));
  }

  /** Appends without deduplication, stamped with {@code timestamp}. */
  synchronized void append(String stream, long timestamp, byte[] body) {
    List<LogMessage> l = messages(stream);
    l.add(new LogMessage(stream, l.size(), timestamp, body));
    notifyAll();
  }

  /** A copy of a stream's messages. */
  synchronized List<LogMessage> read(String stream) {
    return List.copyOf(messages(stream));
  }

  private List<LogMessage> messages(String stream) {
    List<LogMessage> l = streams.get(stream);
    if (l == null) {
      throw new StreamNotFoundException(stream);
    }
    return l;
  }

  @Override
  public LogWriter writer(String stream, String producerName) {
    synchronized (this) {
      messages(stream);
    }
    String key = stream + "\u0000" + producerName;
    return new LogWriter() {
      @Override
      public long lastPublishingId() {
        synchronized (InMemoryStreamLog.this) {
          return lastIds.getOrDefault(key, -1L);
        }
      }

      @Override
      public void append(long publishingId, byte[] body) {
        synchronized (InMemoryStreamLog.this) {
          if (producerName != null) {
            long last = lastIds.getOrDefault(key, -1L);
            if (publishingId <= last) {
              return;
            }
            lastIds.put(key, publishingId);
          }
          InMemoryStreamLog.this.append(stream, clock.millis(), body);
        }
      }

      @Override
      public void flush(Duration timeout) {}

      @Override
      public void close() {}
    };
  }

  @Override
  public LogReader reader(String stream, OffsetSpec from) {
    long start;
    synchronized (this) {
      int size = messages(stream).size();
      if (from instanceof OffsetSpec.Absolute a) {
        start = a.offset();
      } else if (from instanceof OffsetSpec.First) {
        start = 0;
      } else {
        start = size;
      }
    }
    return new LogReader() {
      private long next = start;

      @Override
      public LogMessage poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (InMemoryStreamLog.this) {
          while (true) {
            List<LogMessage> l = messages(stream);
            if (next < l.size()) {
              return l.get((int) next++);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              return null;
            }
            try {
              TimeUnit.NANOSECONDS.timedWait(InMemoryStreamLog.this, left);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return null;
            }
          }
        }
      }

      @Override
      public String stream() {
        return stream;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void storeOffset(String consumerName, String stream, long offset) {
    offsets.put(consumerName + "\u0000" + stream, offset);
  }

  @Override
  public synchronized OptionalLong queryOffset(String consumerName, String stream) {
    Long o = offsets.get(consumerName + "\u0000" + stream);
    return o == null ? OptionalLong.empty() : OptionalLong.of(o);
  }

  @Override
  public String describe() {
    return "in-memory test log";
  }

  @Override
  public void close() {}
}
