package coursepulse.engine.internal;

import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Says why an input resumed beyond its checkpoint after a restart. The first message after
 * subscribing may lie beyond the requested offset for two reasons: retention removed older data
 * (those records are gone for every reader: a warning), or the offsets in between are entries
 * without messages, such as stored consumer offsets (normal after every restart: debug). Only the
 * stream's first offset tells them apart, and asking the log for it can take a broker round trip
 * (on RabbitMQ 3.10 a connection of its own, up to a second): it is asked on a thread of its own,
 * never the task's, and the answer only chooses how loudly to log. One per task incarnation.
 */
final class ResumeGapCheck {
  /** How long closing waits for the questions still being asked. */
  static final Duration WAIT_ON_CLOSE = Duration.ofSeconds(3);

  private final StreamLog streams;
  private final String engine;
  private final Logger log;
  private final List<Thread> asking = new ArrayList<>();

  ResumeGapCheck(StreamLog streams, String engine, Logger log) {
    this.streams = streams;
    this.engine = engine;
    this.log = log;
  }

  /** {@code stream} resumed at {@code offset} where {@code expected} was next: ask why. */
  void resumedBeyond(String stream, long offset, long expected) {
    Thread t =
        new Thread(() -> explain(stream, offset, expected), "coursepulse-resume-gap-" + stream);
    t.setDaemon(true);
    t.start();
    asking.add(t);
  }

  /**
   * Gives the questions still being asked a moment to be answered, so that a run that stops soon
   * after a restart still logs what it found; a log that takes longer is not waited for.
   */
  void awaitAnswers() {
    long deadline = System.nanoTime() + WAIT_ON_CLOSE.toNanos();
    for (Thread t : asking) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    asking.clear();
  }

  private void explain(String stream, long offset, long expected) {
    long first;
    try {
      first = streams.stats(stream).map(StreamStats::firstOffset).orElse(-1L);
    } catch (RuntimeException e) {
      first = -1;
    }
    if (first > expected) {
      log.warn(
          "engine {}: '{}' resumes at offset {} instead of {}: messages before offset {} were"
              + " removed by retention and are not processed",
          engine, stream, offset, expected, first);
    } else {
      log.debug(
          "engine {}: '{}' resumes at offset {} after {} (offsets without messages)",
          engine, stream, offset, expected - 1);
    }
  }
}
