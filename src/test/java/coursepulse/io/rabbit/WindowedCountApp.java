package coursepulse.io.rabbit;

import coursepulse.engine.Consumed;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.Produced;
import coursepulse.engine.Serdes;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.Stores;
import coursepulse.engine.Topology;
import coursepulse.engine.WindowStore;
import coursepulse.engine.internal.InternalProcessorContext;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The topology the engine-over-RabbitMQ tests run: three input streams of {@code key@eventTime}
 * values, merged in timestamp order, counted per key in 1-hour tumbling windows (grace 10 minutes)
 * in a window store; every update goes to the output stream as {@code source key windowStart
 * count}. Later-than-grace records are dropped and counted. Deterministic, so an interrupted run
 * must write exactly what an uninterrupted one writes.
 */
final class WindowedCountApp {

  static final long HOUR = Duration.ofHours(1).toMillis();
  static final long GRACE = Duration.ofMinutes(10).toMillis();
  static final long BASE_TIME = 1_790_000_000_000L;

  private WindowedCountApp() {}

  /** Counts per key and hour; {@code spinNanos} of busy work per record slow it down on demand. */
  static final class HourlyCount implements Processor<String, String, String, String> {
    private final long spinNanos;
    private ProcessorContext<String, String> ctx;
    private WindowStore<String, Long> store;

    HourlyCount(long spinNanos) {
      this.spinNanos = spinNanos;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
      store = context.getStateStore("hourly");
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      if (spinNanos > 0) {
        long until = System.nanoTime() + spinNanos;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      long start = r.timestamp() - r.timestamp() % HOUR;
      if (start + HOUR + GRACE <= ctx.currentStreamTimeMs()) {
        // Counted the way the DSL's windowed operators count late records.
        ((InternalProcessorContext<String, String>) ctx).recordDropped("late");
        return;
      }
      Long c = store.fetch(r.key(), start);
      long n = c == null ? 1 : c + 1;
      store.put(r.key(), n, start);
      String source = ctx.recordMetadata().orElseThrow().stream();
      ctx.forward(r.withValue(source + " " + r.key() + " " + start + " " + n));
    }
  }

  static Topology topology(List<String> inputs, String output, long spinNanos) {
    Topology t = new Topology();
    String[] names = new String[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      names[i] = "src-" + i;
      t.addSource(
          names[i], inputs.get(i),
          Consumed.<String, String>with(Serdes.String())
              .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
              .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1))));
    }
    return t.addProcessor("count", () -> new HourlyCount(spinNanos), names)
        .addStateStore(
            Stores.windowStoreBuilder(
                "hourly", Duration.ofMillis(HOUR + GRACE), Duration.ofMillis(HOUR),
                Serdes.String(), Serdes.Long()),
            "count")
        .addSink("out", output, Produced.with(Serdes.String()), "count");
  }

  static StreamEngine.Builder engine(
      StreamLog log, String appId, List<String> inputs, String output, Path stateDir,
      Duration checkpointInterval, long spinNanos) {
    return StreamEngine.builder()
        .applicationId(appId)
        .topology(topology(inputs, output, spinNanos))
        .log(log)
        .stateDir(stateDir)
        .checkpointInterval(checkpointInterval)
        .logRecoveryTimeout(Duration.ofMinutes(3));
  }

  /**
   * Writes {@code perStream} records to each input: 50 keys, event time advancing about 20 s per
   * record with jitter of up to 30 minutes back (some beyond grace, so some are dropped).
   */
  static void writeInputs(StreamLog log, List<String> inputs, int perStream, long seed) {
    Random random = new Random(seed);
    for (String s : inputs) {
      log.createStream(s, Retention.unlimited());
    }
    List<LogWriter> writers = new ArrayList<>();
    for (String s : inputs) {
      writers.add(log.writer(s, "generator"));
    }
    for (int i = 0; i < perStream; i++) {
      for (int w = 0; w < writers.size(); w++) {
        long ts = BASE_TIME + i * 20_000L - (random.nextInt(10) == 0 ? random.nextInt(1_800_000) : 0);
        String v = "k" + random.nextInt(50) + "@" + ts;
        writers.get(w).append(i, v.getBytes(StandardCharsets.UTF_8));
      }
    }
    for (LogWriter w : writers) {
      w.flush(Duration.ofSeconds(60));
      w.close();
    }
  }

  /** Reads {@code stream} from the start until {@code quiet} passes without a message. */
  static List<String> readAll(StreamLog log, String stream, Duration quiet) {
    List<String> out = new ArrayList<>();
    try (LogReader r = log.reader(stream, OffsetSpec.first())) {
      LogMessage m;
      while ((m = r.poll(quiet)) != null) {
        if (m.offset() != out.size()) {
          throw new AssertionError("offset " + m.offset() + " after " + out.size() + " messages");
        }
        out.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Messages in {@code stream}, from the log's stats (0 when empty). */
  static long count(StreamLog log, String stream) {
    return log.stats(stream).map(s -> s.lastOffset() + 1).orElse(0L);
  }
}
