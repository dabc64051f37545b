package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle live engine must not spin (issue 20: 18 % CPU idle on RabbitMQ 4.0): over inputs whose
 * readers cannot tell their end (as on RabbitMQ 3.11+), it wakes and asks the log for stats a few
 * times a second, not thousands, and still reports idle and processes what arrives next, in
 * timestamp order.
 */
class IdleEngineTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration IDLE = Duration.ofSeconds(3);

  @TempDir Path stateDir;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void shouldNeitherSpinNorAskTheLogRepeatedlyWhileIdle() throws Exception {
    for (String s : List.of("in-a", "in-b", "in-c", "out")) {
      log.createStream(s, Retention.unlimited());
    }
    TimestampedValues.append(log, "in-a", "a-0@10");
    CountingLog counting = new CountingLog(log);
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("idle")
            .topology(TimestampedValues.merge("out", "in-a", "in-b", "in-c"))
            .log(counting)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first())
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();

      counting.reset();
      Thread.sleep(IDLE.toMillis());
      int stats = counting.stats.get();
      int waits = counting.timedPolls.get();
      // Before: one look per pollTimeout / 3 inputs (33 ms) for each of 3 inputs, about 270
      // stats calls in 3 s, and a timed poll every 0.5 ms, about 6,000.
      assertThat(stats).as("stats calls in %s idle", IDLE).isLessThan(80);
      assertThat(waits).as("timed polls (wake-ups) in %s idle", IDLE).isLessThan(800);
      assertThat(engine.awaitIdle(Duration.ofSeconds(5))).as("still reports idle").isTrue();

      // What arrives after a long idle wait is processed promptly and merged by timestamp.
      TimestampedValues.append(log, "in-b", "b-0@20");
      TimestampedValues.append(log, "in-a", "a-1@30");
      assertThat(engine.awaitIdle(WAIT)).isTrue();
      assertThat(TimestampedValues.read(log, "out")).containsExactly("a-0@10", "b-0@20", "a-1@30");
    }
  }

  /**
   * Counts the engine's questions; its readers answer {@code UNKNOWN} once they have handed out
   * what they hold, as RabbitMQ 3.11+ readers do live, so the engine must ask the log for the end.
   */
  private static final class CountingLog extends ForwardingStreamLog {
    final AtomicInteger stats = new AtomicInteger();
    final AtomicInteger timedPolls = new AtomicInteger();

    CountingLog(StreamLog delegate) {
      super(delegate, "counting");
    }

    void reset() {
      stats.set(0);
      timedPolls.set(0);
    }

    @Override
    public LogReader reader(String stream, OffsetSpec from) {
      LogReader r = delegate.reader(stream, from);
      return new LogReader() {
        @Override
        public LogMessage poll(Duration timeout) {
          if (!timeout.isZero()) {
            timedPolls.incrementAndGet();
          }
          return r.poll(timeout);
        }

        @Override
        public Catchup catchup() {
          Catchup c = r.catchup();
          return c == Catchup.CAUGHT_UP ? Catchup.UNKNOWN : c;
        }

        @Override
        public String stream() {
          return stream;
        }

        @Override
        public void close() {
          r.close();
        }
      };
    }

    @Override
    public Optional<StreamStats> stats(String stream) {
      stats.incrementAndGet();
      return delegate.stats(stream);
    }

  }
}
