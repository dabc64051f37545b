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

  @Test
  void shouldRetryOpeningItsInputsUntilTheLogAnswers() throws Exception {
    for (String s : List.of("in-a", "in-b", "out")) {
      log.createStream(s, Retention.unlimited());
    }
    TimestampedValues.append(log, "in-a", "a-0@10");
    TimestampedValues.append(log, "in-b", "b-0@20");
    TimestampedValues.append(log, "in-a", "a-1@30");
    // the second input's reader cannot be opened three times in a row
    OutageLog outage = new OutageLog(log, "in-b", 3);
    List<StreamEngine.State> states = new ArrayList<>();
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("outage-at-start")
            .topology(TimestampedValues.merge("out", "in-a", "in-b"))
            .log(outage)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first())
            .stateListener((next, previous) -> {
              synchronized (states) {
                states.add(next);
              }
            })
            .build()) {
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

  /** Refuses the first {@code times} readers of one stream, as a client does with no node up. */
  private static final class OutageLog extends ForwardingStreamLog {
    private final String stream;
    private final int times;
    final AtomicInteger refused = new AtomicInteger();

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
      return super.reader(s, from);
    }
  }
}
