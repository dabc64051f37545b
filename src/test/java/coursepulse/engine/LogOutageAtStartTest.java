package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.charset.StandardCharsets;
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
    append("in-a", "a-0@10");
    append("in-b", "b-0@20");
    append("in-a", "a-1@30");
    // the second input's reader cannot be opened three times in a row
    OutageLog outage = new OutageLog(log, "in-b", 3);
    List<StreamEngine.State> states = new ArrayList<>();
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("outage-at-start")
            .topology(topology())
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
      assertThat(output()).containsExactly("a-0@10", "b-0@20", "a-1@30");
    }
    synchronized (states) {
      assertThat(states).doesNotContain(StreamEngine.State.ERROR);
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
        .addSink("out", "out", Produced.with(Serdes.String()), "a", "b");
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
