package coursepulse.engine;

import coursepulse.engine.internal.InMemoryWindowStore;
import coursepulse.engine.log.Retention;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Reproducible measurements for the engine (not a unit test): records/s of a windowed count (group
 * by key, 1-day tumbling windows) on the test driver and through StreamEngine on an in-memory log,
 * and heap bytes per key of a window store holding 1,000,000 keys.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) coursepulse.engine.EngineBenchmark
 * </pre>
 */
public final class EngineBenchmark {

  private static final long DAY = Duration.ofDays(1).toMillis();

  private EngineBenchmark() {}

  /** Counts per key and 1-day window, forwarding "key window count". */
  static final class WindowedCount implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> ctx;
    private WindowStore<String, Long> store;

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
      store = context.getStateStore("counts");
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      long start = r.timestamp() - r.timestamp() % DAY;
      Long c = store.fetch(r.key(), start);
      long n = c == null ? 1 : c + 1;
      store.put(r.key(), n, start);
      ctx.forward(r.withValue(r.key() + " " + start + " " + n));
    }
  }

  static Topology topology() {
    return new Topology()
        .addSource(
            "src", "events",
            Consumed.<String, String>with(Serdes.String())
                .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
                .withTimestampExtractor(
                    (v, ts) -> Long.parseLong(v.substring(v.indexOf('@') + 1))))
        .addProcessor("count", WindowedCount::new, "src")
        .addStateStore(
            Stores.windowStoreBuilder(
                "counts", Duration.ofDays(2), Duration.ofDays(1), Serdes.String(), Serdes.Long()),
            "count")
        .addSink("out", "counts-out", Produced.with(Serdes.String()), "count");
  }

  static String event(int i) {
    // 10,000 keys, 1 record per 10 s of event time: ~8,640 records per day
    return "user-" + (i * 7919 % 10_000) + "@" + (1_700_000_000_000L + i * 10_000L);
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    for (int round = 0; round < 2; round++) { // first round warms up the JIT
      System.out.printf("round %d%n", round);
      driver(n);
      engine(n);
    }
    heapPerKey(1_000_000);
  }

  static void driver(int n) {
    byte[][] bodies = bodies(n);
    try (TestDriver d = new TestDriver(topology())) {
      TestInputStream<byte[]> in = d.createInputStream("events", Serdes.ByteArray());
      TestOutputStream<String, byte[]> out = d.createOutputStream("counts-out", Serdes.ByteArray());
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        in.pipeRaw(bodies[i], 0L);
        if ((i & 0xffff) == 0) {
          out.readRecordsToList(); // keep captured output from piling up
        }
      }
      report("test driver", n, System.nanoTime() - t0);
    }
  }

  static void engine(int n) throws Exception {
    InMemoryStreamLog log = new InMemoryStreamLog(Clock.systemUTC());
    log.createStream("events", Retention.unlimited());
    log.createStream("counts-out", Retention.unlimited());
    byte[][] bodies = bodies(n);
    for (int i = 0; i < n; i++) {
      log.append("events", 0L, bodies[i]);
    }
    Path dir = Files.createTempDirectory("bench");
    try (StreamEngine e =
        StreamEngine.builder()
            .applicationId("bench")
            .topology(topology())
            .log(log)
            .stateDir(dir)
            .checkpointInterval(Duration.ofHours(1))
            .build()) {
      long t0 = System.nanoTime();
      e.start();
      if (!e.awaitIdle(Duration.ofMinutes(10))) {
        throw new IllegalStateException("engine did not finish: " + e.state());
      }
      report("StreamEngine on in-memory log", n, System.nanoTime() - t0);
    }
  }

  static void heapPerKey(int keys) {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(mem);
    InMemoryWindowStore<String, Long> store =
        new InMemoryWindowStore<>("w", 2 * DAY, DAY, Serdes.String(), Serdes.Long());
    for (int i = 0; i < keys; i++) {
      store.put("user-" + i, (long) i, 0L);
    }
    long after = usedAfterGc(mem);
    System.out.printf(
        "window store: %d keys (key 'user-<n>', 6-12 bytes; value 8-byte long; one window):"
            + " %.1f heap bytes per key%n",
        store.approximateNumEntries(), (after - before) / (double) keys);
    if (store.fetch("user-1", 0L) != 1L) {
      throw new AssertionError();
    }
  }

  private static long usedAfterGc(MemoryMXBean mem) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return mem.getHeapMemoryUsage().getUsed();
  }

  private static byte[][] bodies(int n) {
    byte[][] b = new byte[n][];
    for (int i = 0; i < n; i++) {
      b[i] = event(i).getBytes(StandardCharsets.UTF_8);
    }
    return b;
  }

  private static void report(String what, int n, long nanos) {
    System.out.printf("%s: %d records in %.2f s = %.0f records/s%n", what, n, nanos / 1e9,
        n / (nanos / 1e9));
  }
}
