package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    append("in-a", "a-0@10");
    CountingLog counting = new CountingLog(log);
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("idle")
            .topology(topology())
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
      append("in-b", "b-0@20");
      append("in-a", "a-1@30");
      assertThat(engine.awaitIdle(WAIT)).isTrue();
      assertThat(output()).containsExactly("a-0@10", "b-0@20", "a-1@30");
    }
  }

  private void append(String stream, String value) {
    try (LogWriter w = log.writer(stream, null)) {
      w.append(-1, value.getBytes(StandardCharsets.UTF_8));
      w.flush(WAIT);
    }
  }

  private List<String> output() {
    List<String> values = new ArrayList<>();
    try (LogReader r = log.reader("out", OffsetSpec.first())) {
      for (LogMessage m = r.poll(Duration.ZERO); m != null; m = r.poll(Duration.ZERO)) {
        values.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static Topology topology() {
    Consumed<String, String> consumed =
        Consumed.<String, String>with(Serdes.String())
            .withKeyExtractor(v -> v.substring(0, 1))
            .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1)));
    return new Topology()
        .addSource("a", "in-a", consumed)
        .addSource("b", "in-b", consumed)
        .addSource("c", "in-c", consumed)
        .addSink("out", "out", Produced.with(Serdes.String()), "a", "b", "c");
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
