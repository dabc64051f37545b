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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timestamp merge decides readiness from what each reader already knows ({@link
 * LogReader#catchup}), never by asking the log: with stored input it must give the same output
 * however the readers stall, i.e. exactly the timestamp order.
 */
class MergeUnderStallsTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int PER_INPUT = 400;

  @TempDir Path stateDir;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void shouldMergeStoredInputsInTimestampOrderWhateverTheReadersStall() throws Exception {
    List<String> expected = storeInterleavedInputs();

    List<String> calm = run("calm", log);
    AtomicInteger stalls = new AtomicInteger();
    List<String> stalled = run("stalled", new StallingLog(log, new Random(42), stalls));

    assertThat(stalls.get()).as("stalls injected").isGreaterThan(50);
    assertThat(calm).containsExactlyElementsOf(expected);
    assertThat(stalled).containsExactlyElementsOf(expected);
  }

  /** Three inputs whose timestamps interleave; returns every value in timestamp order. */
  private List<String> storeInterleavedInputs() {
    List<String[]> all = new ArrayList<>();
    String[] inputs = {"in-a", "in-b", "in-c"};
    Random random = new Random(7);
    for (String in : inputs) {
      log.createStream(in, Retention.unlimited());
      try (LogWriter w = log.writer(in, "test-" + in)) {
        long ts = 0;
        for (int i = 0; i < PER_INPUT; i++) {
          // distinct timestamps across inputs: input index in the last digit
          ts += 10 * (1 + random.nextInt(20));
          String value = in + "-" + i + "@" + (ts + indexOf(inputs, in));
          w.append(i + 1, value.getBytes(StandardCharsets.UTF_8));
          all.add(new String[] {value, Long.toString(ts + indexOf(inputs, in))});
        }
        w.flush(WAIT);
      }
    }
    return all.stream()
        .sorted(Comparator.comparingLong(a -> Long.parseLong(a[1])))
        .map(a -> a[0])
        .toList();
  }

  private static int indexOf(String[] a, String s) {
    return List.of(a).indexOf(s);
  }

  private List<String> run(String applicationId, StreamLog through) throws Exception {
    String out = "out-" + applicationId;
    log.createStream(out, Retention.unlimited());
    Topology topology =
        new Topology()
            .addSource("a", "in-a", timestamped())
            .addSource("b", "in-b", timestamped())
            .addSource("c", "in-c", timestamped())
            .addSink("out", out, Produced.with(Serdes.String()), "a", "b", "c");
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId(applicationId)
            .topology(topology)
            .log(through)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first())
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).as("idle").isTrue();
    }
    List<String> values = new ArrayList<>();
    try (LogReader r = log.reader(out, OffsetSpec.first())) {
      for (LogMessage m = r.poll(Duration.ZERO); m != null; m = r.poll(Duration.ZERO)) {
        values.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static Consumed<String, String> timestamped() {
    return Consumed.<String, String>with(Serdes.String())
        .withKeyExtractor(v -> v.substring(0, v.indexOf('-')))
        .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1)));
  }

  /**
   * Readers that now and then stop handing out messages for a few milliseconds, as a client thread
   * that the machine did not schedule: during a stall the reader is honestly behind.
   */
  private static final class StallingLog extends ForwardingStreamLog {
    private final Random random;
    private final AtomicInteger stalls;

    StallingLog(StreamLog delegate, Random random, AtomicInteger stalls) {
      super(delegate, "stalling");
      this.random = random;
      this.stalls = stalls;
    }

    @Override
    public LogReader reader(String stream, OffsetSpec from) {
      LogReader r = delegate.reader(stream, from);
      return new LogReader() {
        private long stalledUntil;

        @Override
        public LogMessage poll(Duration timeout) {
          long now = System.nanoTime();
          if (now < stalledUntil) {
            return null;
          }
          if (random.nextInt(10) == 0) {
            stalls.incrementAndGet();
            stalledUntil = now + Duration.ofMillis(1 + random.nextInt(3)).toNanos();
            return null;
          }
          return r.poll(timeout);
        }

        @Override
        public Catchup catchup() {
          return System.nanoTime() < stalledUntil ? Catchup.BEHIND : r.catchup();
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
      throw new AssertionError("the merge asked the log for stats of " + stream);
    }

  }
}
