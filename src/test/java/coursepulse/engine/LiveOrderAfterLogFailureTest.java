package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.io.embedded.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task rebuilt after a log failure writes each output once even when, live, it took records in
 * another order than the timestamp order a replay of the stored inputs would take. Live, a record
 * goes ahead while another input is merely empty; the late record of that input lands before it
 * in timestamp order. Replaying from the checkpoint in timestamp order re-derived the outputs in a
 * different order under the same position-based publishing ids: the log dropped the late record's
 * output (its id was taken) and stored the other again (found by {@code BrokerRestartDuringRunIT}:
 * an alert resolved twice after a broker restart).
 */
class LiveOrderAfterLogFailureTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path stateDir;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();
  private final FailingLog failing = new FailingLog(log);
  private final MutableClock clock = new MutableClock(0);

  /** Inputs in-a and in-b with a-0@10 and b-0@20, and "out". */
  @BeforeEach
  void createStreams() {
    for (String s : List.of("in-a", "in-b", "out")) {
      log.createStream(s, Retention.unlimited());
    }
    TimestampedValues.append(log, "in-a", "a-0@10");
    TimestampedValues.append(log, "in-b", "b-0@20");
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  /** Inputs a-0@10 and b-0@20 processed, and a checkpoint after them (the clock moved on). */
  private StreamEngine startAndCheckpoint(SimpleMeterRegistry registry)
      throws InterruptedException {
    StreamEngine engine =
        StreamEngine.builder()
            .applicationId("live-order")
            .topology(TimestampedValues.merge("out", "in-a", "in-b"))
            .log(failing)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first())
            .clock(clock)
            .checkpointInterval(Duration.ofHours(1))
            .meterRegistry(registry)
            .build();
    engine.start();
    assertThat(engine.awaitIdle(WAIT)).isTrue();
    clock.advance(Duration.ofHours(2));
    assertThat(engine.awaitIdle(WAIT)).isTrue();
    return engine;
  }

  @Test
  void shouldWriteWhatItWroteLiveOnceAfterARebuildFromTheCheckpoint() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StreamEngine engine = startAndCheckpoint(registry)) {
      // live: in-b is at its end, so a-1@50 goes ahead (output id 3)
      TimestampedValues.append(log, "in-a", "a-1@50");
      assertThat(engine.awaitIdle(WAIT)).isTrue();
      assertThat(TimestampedValues.read(log, "out")).endsWith("a-1@50");

      // b-1@40 arrives late; writing its output fails, and the task is rebuilt from the
      // checkpoint, where both a-1@50 and b-1@40 are in the log
      failing.failures.set(1);
      TimestampedValues.append(log, "in-b", "b-1@40");
      assertThat(engine.awaitIdle(WAIT)).isTrue();

      assertThat(registry.get("coursepulse.engine.recoveries").functionCounter().count())
          .as("rebuilt once")
          .isEqualTo(1);
      // in timestamp order the replay wrote b-1 under id 3 (dropped) and a-1 again under id 4
      assertThat(TimestampedValues.read(log, "out"))
          .containsExactly("a-0@10", "b-0@20", "a-1@50", "b-1@40");

      // and goes on after the order it followed
      TimestampedValues.append(log, "in-a", "a-2@60");
      TimestampedValues.append(log, "in-b", "b-2@70");
      assertThat(engine.awaitIdle(WAIT)).isTrue();
      assertThat(TimestampedValues.read(log, "out"))
          .containsExactly("a-0@10", "b-0@20", "a-1@50", "b-1@40", "a-2@60", "b-2@70");
    }
  }

  @Test
  void shouldWriteWhatItWroteLiveOnceWhenRestartedAfterItsProcessDied() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamEngine first = startAndCheckpoint(registry);
    TimestampedValues.append(log, "in-a", "a-1@50");
    assertThat(first.awaitIdle(WAIT)).isTrue();
    // b-1@40's output cannot be written, and the engine ends without another checkpoint (as a
    // process that dies: only the files of its state directory are left)
    failing.failures.set(Integer.MAX_VALUE);
    TimestampedValues.append(log, "in-b", "b-1@40");
    Thread.sleep(500);
    // each rebuild fails at its first append: they follow each other with a growing pause (100,
    // 200, 400 ms...), not hundreds of times a second
    assertThat(registry.get("coursepulse.engine.recoveries").functionCounter().count())
        .isBetween(1.0, 9.0);
    first.close();
    assertThat(first.state()).isEqualTo(StreamEngine.State.ERROR);
    assertThat(TimestampedValues.read(log, "out")).containsExactly("a-0@10", "b-0@20", "a-1@50");

    failing.failures.set(0);
    try (StreamEngine restarted = startAndCheckpoint(new SimpleMeterRegistry())) {
      // in timestamp order it wrote b-1 under id 3 (dropped) and a-1 again under id 4
      assertThat(TimestampedValues.read(log, "out"))
          .containsExactly("a-0@10", "b-0@20", "a-1@50", "b-1@40");
    }
  }

  /** Fails the next {@code failures} appends to "out", and flushes meanwhile, as an outage does. */
  private static final class FailingLog extends ForwardingStreamLog {
    final AtomicInteger failures = new AtomicInteger();

    FailingLog(StreamLog delegate) {
      super(delegate, "failing");
    }

    @Override
    public LogWriter writer(String stream, String producerName) {
      LogWriter w = super.writer(stream, producerName);
      if (!stream.equals("out")) {
        return w;
      }
      return new ForwardingLogWriter(w) {
        @Override
        public void append(long publishingId, byte[] body) {
          if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new LogException("connection lost (injected)");
          }
          delegate.append(publishingId, body);
        }

        @Override
        public void flush(Duration timeout) {
          if (failures.get() > 0) {
            throw new LogException("connection lost (injected)");
          }
          delegate.flush(timeout);
        }
      };
    }
  }
}
