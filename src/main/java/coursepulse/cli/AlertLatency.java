package coursepulse.cli;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The latency an instructor sees, for {@code bench}'s latency run: from the append of an event to
 * the alert its handling emitted being readable in the alerts stream (on RabbitMQ a consumer is
 * given only what the broker has committed, so this is the alert confirmed there).
 *
 * <p>The processor tells {@link #emitted} of each alert as it emits it and {@link #handled} when
 * it has finished an event; the alerts emitted since the previous event are that event's. An alert
 * a stream-time timer emits belongs to the event that moved stream time past it; when the engine
 * fires timers after handling that event, they are counted from the next event's append instead,
 * about one event interval later (0.1 ms at 10,000 events/s), which this does not correct. A
 * reader on its own thread reads the alerts stream from its first offset; an alert read before its
 * event is known waits for it.
 */
final class AlertLatency implements AutoCloseable {

  private final Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  private final Object lock = new Object();
  // Under lock: alert -> append time of the event that emitted it, until the alert is read.
  private final Map<String, Long> appendedAt = new HashMap<>();
  // Under lock: alert -> when it was read, when that came before its event was known.
  private final Map<String, Long> readAt = new HashMap<>();
  // Task thread only: the alerts of the event being handled.
  private final List<Alert> pending = new ArrayList<>();
  private final AtomicLong emittedCount = new AtomicLong();
  private final AtomicLong readCount = new AtomicLong();
  private final LogReader reader;
  private final Thread thread;
  private volatile boolean stopped;

  AlertLatency(StreamLog streams, String alertsStream) {
    this.reader = streams.reader(alertsStream, OffsetSpec.first());
    this.thread = new Thread(this::readAlerts, "coursepulse-bench-alert-reader");
    thread.setDaemon(true);
    thread.start();
  }

  /** The processor emitted {@code alert} (task thread). */
  void emitted(Alert alert) {
    pending.add(alert);
    emittedCount.incrementAndGet();
  }

  /**
   * The processor finished an event appended at {@code appendNanos} ({@link System#nanoTime};
   * {@code null} for an event not measured, such as the warm-up's): the alerts emitted since the
   * previous event are its.
   */
  void handled(Long appendNanos) {
    if (pending.isEmpty()) {
      return;
    }
    if (appendNanos != null) {
      synchronized (lock) {
        for (Alert a : pending) {
          String key = key(a);
          Long read = readAt.remove(key);
          if (read != null) {
            record(read - appendNanos);
          } else {
            appendedAt.put(key, appendNanos);
          }
        }
      }
    }
    pending.clear();
  }

  /** Waits until every alert emitted so far was read back, at most {@code timeout}. */
  boolean awaitRead(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (readCount.get() < emittedCount.get()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Microseconds from an event's append to its alert read back; read after {@link #awaitRead}. */
  Histogram histogram() {
    synchronized (lock) {
      return histogram.copy();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(TimeUnit.SECONDS.toMillis(10));
    reader.close();
  }

  private void readAlerts() {
    while (!stopped) {
      LogMessage m = reader.poll(Duration.ofMillis(50));
      if (m == null) {
        continue;
      }
      long now = System.nanoTime();
      readCount.incrementAndGet();
      Alert alert;
      try {
        alert = AlertCodec.decode(m.body());
      } catch (RuntimeException notAnAlert) {
        continue; // counted as read: what the stream holds is all the processor wrote
      }
      String key = key(alert);
      synchronized (lock) {
        Long appended = appendedAt.remove(key);
        if (appended != null) {
          record(now - appended);
        } else {
          readAt.put(key, now);
        }
      }
    }
  }

  private void record(long nanos) {
    histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), Math.max(0, nanos / 1000)));
  }

  private static String key(Alert a) {
    return a.type() + "/" + a.alertId();
  }
}
