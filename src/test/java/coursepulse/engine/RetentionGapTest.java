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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted engine whose input resumes beyond its checkpoint (retention removed records, or
 * stored offsets took offsets) asks the log for the stream's first offset to say which: never on
 * the task thread, which goes on processing however long the log takes to answer.
 */
class RetentionGapTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path stateDir;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void shouldKeepProcessingWhileTheLogIsAskedWhyTheInputResumesBeyondTheCheckpoint()
      throws Exception {
    log.createStream("in", Retention.unlimited());
    log.createStream("out", Retention.unlimited());
    append(0, 10);
    run(log);
    assertThat(outputs()).hasSize(10);

    append(10, 20);
    // Offsets 10 to 14 are gone, as retention would have removed them; the log is slow to say so.
    SlowToAnswerLog gap = new SlowToAnswerLog(log, 10, 15);
    try {
      run(gap);
      assertThat(outputs()).as("processed while the log had not answered")
          .hasSize(15).endsWith("v-15", "v-16", "v-17", "v-18", "v-19");
    } finally {
      gap.answer.countDown();
    }
    assertThat(gap.asked.await(10, TimeUnit.SECONDS)).as("the log was asked").isTrue();
    assertThat(gap.askedOn).doesNotStartWith("coursepulse-engine-");
  }

  private void append(int from, int to) {
    try (LogWriter w = log.writer("in", "test-in")) {
      for (int i = from; i < to; i++) {
        w.append(i + 1, ("v-" + i).getBytes(StandardCharsets.UTF_8));
      }
      w.flush(WAIT);
    }
  }

  private void run(StreamLog through) throws Exception {
    Topology topology =
        new Topology()
            .addSource("in", "in", Consumed.with(Serdes.String()))
            .addSink("out", "out", Produced.with(Serdes.String()), "in");
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("gap")
            .topology(topology)
            .log(through)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first())
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).as("idle").isTrue();
    }
  }

  private List<String> outputs() {
    List<String> values = new ArrayList<>();
    try (LogReader r = log.reader("out", OffsetSpec.first())) {
      for (LogMessage m = r.poll(Duration.ZERO); m != null; m = r.poll(Duration.ZERO)) {
        values.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  /** Hides offsets [gapFrom, gapTo) of "in"; its stats wait until the test lets them answer. */
  private static final class SlowToAnswerLog extends ForwardingStreamLog {
    final CountDownLatch answer = new CountDownLatch(1);
    final CountDownLatch asked = new CountDownLatch(1);
    volatile String askedOn;
    private final long gapFrom;
    private final long gapTo;

    SlowToAnswerLog(StreamLog delegate, long gapFrom, long gapTo) {
      super(delegate, "slow-to-answer");
      this.gapFrom = gapFrom;
      this.gapTo = gapTo;
    }

    private boolean gone(LogMessage m) {
      return m.offset() >= gapFrom && m.offset() < gapTo;
    }

    @Override
    public LogReader reader(String stream, OffsetSpec from) {
      LogReader r = delegate.reader(stream, from);
      if (!stream.equals("in")) {
        return r;
      }
      return new ForwardingLogReader(r) {
        @Override
        public LogMessage poll(Duration timeout) {
          LogMessage m = delegate.poll(timeout);
          while (m != null && gone(m)) {
            m = delegate.poll(timeout);
          }
          return m;
        }

        @Override
        public int drain(int max, Consumer<? super LogMessage> sink) {
          int[] kept = {0};
          delegate.drain(max, m -> {
            if (!gone(m)) {
              kept[0]++;
              sink.accept(m);
            }
          });
          return kept[0];
        }
      };
    }

    @Override
    public Optional<StreamStats> stats(String stream) {
      askedOn = Thread.currentThread().getName();
      asked.countDown();
      try {
        answer.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return delegate.stats(stream);
    }
  }
}
