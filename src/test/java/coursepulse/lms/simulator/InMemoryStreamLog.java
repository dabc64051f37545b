package coursepulse.lms.simulator;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A minimal in-memory {@link StreamLog} with the port's deduplication semantics, for producer
 * tests until the embedded log is merged. {@link #failAfter} makes appends fail like a lost
 * connection.
 */
final class InMemoryStreamLog implements StreamLog {
  final Map<String, List<byte[]>> streams = new HashMap<>();
  final Map<String, Long> lastIds = new HashMap<>();
  /** Appends left before every append fails; negative means never fail. */
  long failAfter = -1;

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
    List<byte[]> s = require(stream);
    return s.isEmpty() ? Optional.empty() : Optional.of(new StreamStats(0, s.size() - 1));
  }

  private List<byte[]> require(String stream) {
    List<byte[]> s = streams.get(stream);
    if (s == null) {
      throw new StreamNotFoundException(stream);
    }
    return s;
  }

  @Override
  public synchronized LogWriter writer(String stream, String producerName) {
    List<byte[]> target = require(stream);
    String key = stream + "/" + producerName;
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
          if (failAfter == 0) {
            throw new LogException("connection to the log lost (test)");
          }
          if (failAfter > 0) {
            failAfter--;
          }
          if (producerName != null && publishingId <= lastIds.getOrDefault(key, -1L)) {
            return;
          }
          target.add(body);
          if (producerName != null) {
            lastIds.put(key, publishingId);
          }
        }
      }

      @Override
      public void flush(Duration timeout) {}

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized LogReader reader(String stream, OffsetSpec from) {
    List<byte[]> s = require(stream);
    return new LogReader() {
      int next = 0;

      @Override
      public LogMessage poll(Duration timeout) {
        synchronized (InMemoryStreamLog.this) {
          return next < s.size() ? new LogMessage(stream, next, 0, s.get(next++)) : null;
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
  public void storeOffset(String consumerName, String stream, long offset) {}

  @Override
  public OptionalLong queryOffset(String consumerName, String stream) {
    return OptionalLong.empty();
  }

  @Override
  public String describe() {
    return "in-memory test log";
  }

  @Override
  public void close() {}
}
