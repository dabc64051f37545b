package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine II runtime behaviour on an in-memory log: metrics, bounded buffers, end of input. */
class StreamEngineRuntimeTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long HOUR = 3_600_000L;

  @TempDir Path stateDir;

  private final InMemoryStreamLog log = new InMemoryStreamLog(Clock.systemUTC());

  private static Consumed<String, String> keyedAt() {
    return Consumed.<String, String>with(Serdes.String())
        .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
        .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1)));
  }

  /** Hourly count with grace 0; late records are dropped and counted; a stream-time sweep. */
  static final class Hourly implements Processor<String, String, String, String> {
    private final Semaphore gate;
    private ProcessorContext<String, String> ctx;
    private WindowStore<String, Long> store;

    Hourly(Semaphore gate) {
      this.gate = gate;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
      store = context.getStateStore("hourly");
      context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, t -> {});
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      if (gate != null) {
        gate.acquireUninterruptibly();
      }
      long start = r.timestamp() - r.timestamp() % HOUR;
      if (start + HOUR <= ctx.currentStreamTimeMs()) {
        ((coursepulse.engine.internal.InternalProcessorContext<String, String>) ctx)
            .recordDropped("late");
        return;
      }
      Long c = store.fetch(r.key(), start);
      store.put(r.key(), c == null ? 1 : c + 1, start);
      ctx.forward(r.withValue(r.key() + "@" + r.timestamp()));
    }
  }

  private static Topology topology(Semaphore gate, String... inputs) {
    Topology t = new Topology();
    for (String in : inputs) {
      t.addSource("src-" + in, in, keyedAt());
    }
    String[] parents = new String[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      parents[i] = "src-" + inputs[i];
    }
    return t.addProcessor("hourly", () -> new Hourly(gate), parents)
        .addStateStore(
            Stores.windowStoreBuilder(
                "hourly", Duration.ofHours(1), Duration.ofHours(1), Serdes.String(),
                Serdes.Long()),
            "hourly")
        .addSink("out", "out", Produced.with(Serdes.String()), "hourly");
  }

  private void put(StreamLog target, String stream, String value) {
    if (target == log) {
      // stamped now, like a broker's append time
      log.append(stream, Clock.systemUTC().millis(), value.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldExposeKafkaStreamsLikeMetersWithoutPerKeyTags() throws Exception {
    for (String s : List.of("in-a", "in-b", "out")) {
      log.createStream(s, Retention.unlimited());
    }
    put(log, "in-a", "k1@" + (2 * HOUR));
    put(log, "in-a", "k2@" + (3 * HOUR + 5));
    put(log, "in-a", "k1@" + (HOUR + 1)); // a window that closed: dropped as late
    put(log, "in-a", "not a record"); // unreadable: dead-lettered
    put(log, "in-b", "k3@" + (2 * HOUR + 7));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("metrics")
            .topology(topology(null, "in-a", "in-b"))
            .log(log)
            .stateDir(stateDir)
            .meterRegistry(registry)
            .checkpointInterval(Duration.ofMillis(1))
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();

      assertThat(functionCount(registry, "coursepulse.engine.records.processed", "source", "in-a"))
          .isEqualTo(3);
      assertThat(functionCount(registry, "coursepulse.engine.records.processed", "source", "in-b"))
          .isEqualTo(1);
      // Timings are observed once per processed batch (at least one for the 4 records, at most
      // one per record), each histogram once per batch.
      long batches = registry.get("coursepulse.engine.process.latency").timer().count();
      assertThat(batches).isBetween(1L, 4L);
      assertThat(registry.get("coursepulse.engine.record.event.lag").summary().count())
          .as("event times in 1970 say nothing about lateness: left out of the histogram")
          .isZero();
      assertThat(
              registry.get("coursepulse.engine.record.event.lag.skipped")
                  .tag("reason", "older_than_7d").counter().count())
          .isEqualTo(batches);
      assertThat(registry.get("coursepulse.engine.record.append.delay").summary().count())
          .isEqualTo(batches);
      assertThat(registry.get("coursepulse.engine.record.append.delay").summary().max())
          .as("appended moments ago, in seconds")
          .isBetween(0.0, WAIT.toSeconds() + 0.0);
      assertThat(registry.get("coursepulse.engine.stream.time.lag").gauge().value())
          .as("stream time is 3 h after 1970: the gauge shows decades, in seconds")
          .isGreaterThan(1e9);
      assertThat(
              registry.get("coursepulse.engine.input.lag").tag("source", "in-a").gauge().value())
          .isZero();
      assertThat(
              registry.get("coursepulse.engine.records.buffered").tag("source", "in-a").gauge()
                  .value())
          .isZero();
      assertThat(
              registry.get("coursepulse.engine.records.dropped").tag("reason", "late").counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              functionCount(registry, "coursepulse.engine.records.dead.lettered", "source", "in-a"))
          .isEqualTo(1);
      assertThat(
              registry.get("coursepulse.engine.punctuations").tag("type", "stream_time").counter()
                  .count())
          .isGreaterThanOrEqualTo(2);
      assertThat(registry.get("coursepulse.engine.checkpoint.duration").timer().count())
          .isPositive();
      assertThat(registry.get("coursepulse.engine.checkpoint.size").gauge().value()).isPositive();
      assertThat(
              registry.get("coursepulse.engine.store.entries").tag("store", "hourly").gauge()
                  .value())
          .as("windows of 2h were dropped from the store when stream time reached 3h")
          .isEqualTo(1);
      assertThat(registry.get("coursepulse.engine.recoveries").functionCounter().count()).isZero();
    }
    for (Meter m : registry.getMeters()) {
      assertThat(m.getId().getName()).startsWith("coursepulse.engine.").doesNotEndWith("total");
      for (Tag t : m.getId().getTags()) {
        // "le": histogram bucket bounds of the latency timers, fixed at registration
        assertThat(t.getKey()).isIn("source", "reason", "type", "store", "le");
        assertThat(t.getValue()).doesNotStartWith("k1").doesNotStartWith("k2")
            .doesNotStartWith("k3");
      }
    }
  }

  private static double functionCount(
      SimpleMeterRegistry registry, String name, String tag, String value) {
    return registry.get(name).tag(tag, value).functionCounter().count();
  }

  @Test
  void shouldKeepItsBuffersBoundedWhileReplayingALongStreamThroughASlowProcessor()
      throws Exception {
    int bound = 50;
    int records = 100 * bound; // the stream is 100 times the buffer
    log.createStream("in-a", Retention.unlimited());
    log.createStream("out", Retention.unlimited());
    for (int i = 0; i < records; i++) {
      put(log, "in-a", "k" + (i % 7) + "@" + i);
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Semaphore gate = new Semaphore(0);
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("bounded")
            .topology(topology(gate, "in-a"))
            .log(log)
            .stateDir(stateDir)
            .meterRegistry(registry)
            .maxBufferedRecordsPerSource(bound)
            .build()) {
      engine.start();
      var buffered = registry.get("coursepulse.engine.records.buffered").gauge();
      var lag = registry.get("coursepulse.engine.input.lag").gauge();
      double maxBuffered = 0;
      // Let the slow processor through in small steps; the engine must never read far ahead.
      for (int released = 0; released < records; released += 97) {
        gate.release(97);
        long processed = awaitProcessedAtLeast(registry, Math.min(records, released + 97) - 1);
        maxBuffered = Math.max(maxBuffered, buffered.value());
        assertThat(buffered.value()).isLessThanOrEqualTo(bound);
        assertThat(lag.value())
            .as("unprocessed records stay in the log, not in the engine")
            .isGreaterThanOrEqualTo(records - processed - bound);
      }
      assertThat(engine.awaitIdle(WAIT)).isTrue();
      assertThat(maxBuffered).isPositive();
      assertThat(log.read("out")).hasSize(records);
    }
  }

  private static long awaitProcessedAtLeast(SimpleMeterRegistry registry, long n)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      long done = (long) functionCount(registry, "coursepulse.engine.records.processed",
          "source", "in-a");
      if (done >= n || System.nanoTime() > deadline) {
        return done;
      }
      TimeUnit.MILLISECONDS.sleep(1); // polling interval
    }
  }

  @Test
  void shouldWaitForTheRestOfTheLastChunkWhenTheLogReportsOnlyItsFirstOffset() throws Exception {
    for (String s : List.of("in-a", "in-b", "out")) {
      log.createStream(s, Retention.unlimited());
    }
    int n = 300;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      put(log, "in-a", "a@" + (2 * i));
      put(log, "in-b", "b@" + (2 * i + 1));
      expected.add("a@" + (2 * i));
      expected.add("b@" + (2 * i + 1));
    }
    StreamLog chunked = new ChunkedStatsLog(log, 100);
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("chunks")
            .topology(topology(null, "in-a", "in-b"))
            .log(chunked)
            .stateDir(stateDir)
            .maxBufferedRecordsPerSource(7)
            .pollTimeout(Duration.ofMillis(20))
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();
    }
    List<String> out = new ArrayList<>();
    for (LogMessage m : log.read("out")) {
      out.add(new String(m.body(), StandardCharsets.UTF_8));
    }
    assertThat(out).as("strict timestamp order across both inputs").isEqualTo(expected);
  }

  /**
   * RabbitMQ 3.11-3.13 as the engine sees them: {@code stats().lastOffset} is the first offset of
   * the last chunk (chunks of {@code chunk} messages), and a reader hands over the messages of a
   * chunk beyond that offset only on the poll after the one that found them (the client is still
   * dispatching the chunk).
   */
  private static final class ChunkedStatsLog extends ForwardingStreamLog {
    private final int chunk;

    ChunkedStatsLog(StreamLog delegate, int chunk) {
      super(delegate, "chunked");
      this.chunk = chunk;
    }

    @Override
    public Optional<StreamStats> stats(String stream) {
      return delegate
          .stats(stream)
          .map(s -> new StreamStats(s.firstOffset(), s.lastOffset() - s.lastOffset() % chunk));
    }

    @Override
    public LogReader reader(String stream, OffsetSpec from) {
      LogReader r = delegate.reader(stream, from);
      AtomicLong held = new AtomicLong(-1);
      return new LogReader() {
        private LogMessage pending;

        @Override
        public LogMessage poll(Duration timeout) {
          if (pending != null && held.get() == pending.offset()) {
            LogMessage m = pending;
            pending = null;
            return m;
          }
          LogMessage m = r.poll(timeout);
          if (m != null && m.offset() > stats(stream).map(StreamStats::lastOffset).orElse(-1L)
              && m.offset() % 2 == 1) {
            pending = m; // delivered on the next poll
            held.set(m.offset());
            return null;
          }
          return m;
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

  }
}
