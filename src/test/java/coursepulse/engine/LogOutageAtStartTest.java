package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log outage while a task starts (a cluster node died a moment before: the client finds "no
 * node available to consume" a stream) is ridden out like one while it runs: the task retries
 * until the log answers, instead of failing the engine (seen in ClusterScaleOutIT: two instances
 * failed that way and left the consumer group for good).
 */
class LogOutageAtStartTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path stateDir;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();

  @AfterEach
  void closeLog() {
    log.close();
  }

  /** Inputs in-a and in-b with {@code values} ("a-..." to in-a, "b-..." to in-b), and "out". */
  private void inputs(String... values) {
    for (String s : List.of("in-a", "in-b", "out")) {
      log.createStream(s, Retention.unlimited());
    }
    for (String v : values) {
      TimestampedValues.append(log, v.startsWith("a-") ? "in-a" : "in-b", v);
    }
  }

  /** An engine merging in-a and in-b into "out" over {@code outage}, from the first offsets. */
  private StreamEngine engine(
      OutageLog outage, String applicationId, StreamEngine.StateListener listener) {
    return StreamEngine.builder()
        .applicationId(applicationId)
        .topology(TimestampedValues.merge("out", "in-a", "in-b"))
        .log(outage)
        .stateDir(stateDir)
        .startFrom(OffsetSpec.first())
        .stateListener(listener)
        .build();
  }

  @Test
  void shouldRetryOpeningItsInputsUntilTheLogAnswers() throws Exception {
    inputs("a-0@10", "b-0@20", "a-1@30");
    // the second input's reader cannot be opened three times in a row
    OutageLog outage = new OutageLog(log, "in-b", 3);
    List<StreamEngine.State> states = new ArrayList<>();
    StreamEngine.StateListener recording =
        (next, previous) -> {
          synchronized (states) {
            states.add(next);
          }
        };
    try (StreamEngine engine = engine(outage, "outage-at-start", recording)) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).as("idle after the outage").isTrue();
      assertThat(engine.state()).isEqualTo(StreamEngine.State.RUNNING);
      assertThat(engine.failure()).isEmpty();
      assertThat(outage.refused.get()).as("reader openings refused").isEqualTo(3);
      assertThat(TimestampedValues.read(log, "out")).containsExactly("a-0@10", "b-0@20", "a-1@30");
    }
    synchronized (states) {
      assertThat(states).doesNotContain(StreamEngine.State.ERROR);
    }
  }

  @Test
  void shouldAbandonTheReadersOfATaskItThrowsAwayAndCloseTheLastOnes() throws Exception {
    inputs("a-0@10", "b-0@20");
    // each refused opening of in-b throws the task away with its in-a reader already open
    OutageLog outage = new OutageLog(log, "in-b", 2);
    try (StreamEngine engine = engine(outage, "outage-abandon", (next, previous) -> {})) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).as("idle after the outage").isTrue();
      assertThat(TimestampedValues.read(log, "out")).containsExactly("a-0@10", "b-0@20");
      // a close may wait on the outage itself (a subscription the client is recovering): the
      // thrown-away readers are released without it
      assertThat(outage.abandoned.get()).as("readers abandoned").isEqualTo(2);
      assertThat(outage.closed.get()).as("readers closed").isZero();
    }
    assertThat(outage.closed.get()).as("readers closed when the engine stops").isEqualTo(2);
  }

  /**
   * Refuses the first {@code times} readers of one stream, as a client does with no node up, and
   * counts how the readers it gave out were released.
   */
  private static final class OutageLog extends ForwardingStreamLog {
    private final String stream;
    private final int times;
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger abandoned = new AtomicInteger();

    OutageLog(StreamLog delegate, String stream, int times) {
      super(delegate, "outage");
      this.stream = stream;
      this.times = times;
    }

    @Override
    public LogReader reader(String s, OffsetSpec from) {
      if (s.equals(stream) && refused.get() < times) {
        refused.incrementAndGet();
        throw new LogException("cannot read stream '" + s + "': No node available to consume");
      }
      return new ForwardingLogReader(super.reader(s, from)) {
        @Override
        public void close() {
          closed.incrementAndGet();
          delegate.close();
        }

        @Override
        public void abandon() {
          abandoned.incrementAndGet();
          delegate.abandon();
        }
      };
    }
  }
}
