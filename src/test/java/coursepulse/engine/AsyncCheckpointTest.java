package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.internal.Checkpoint;
import coursepulse.testing.CapturedLog;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.Retention;
import coursepulse.engine.internal.CheckpointableStore;
import coursepulse.engine.internal.HeapKeyValueStore;
import coursepulse.engine.internal.InMemoryKeyValueStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints are written off the task thread and hold only what changed: the task keeps
 * processing while a write is in flight, the input offsets become visible only once the write is
 * durable, a crash before that restores the previous checkpoint, and a chain of deltas restores
 * the state an uninterrupted run had — the same output, none missing, none doubled. The heap,
 * serialized and window stores all take part (one topology uses all three).
 */
class AsyncCheckpointTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long TEN_MINUTES = 600_000L;

  @TempDir Path tmp;

  private final InMemoryStreamLog log = new InMemoryStreamLog(Clock.systemUTC());

  @AfterEach
  void noPause() {
    System.clearProperty(Checkpoint.PAUSE_PROPERTY);
  }

  /** A mutable value kept as an object in a heap store and changed in place. */
  static final class Tally {
    long n;

    Tally(long n) {
      this.n = n;
    }
  }

  private static final Serde<Tally> TALLY =
      Serdes.from(
          t -> ByteBuffer.allocate(8).putLong(t.n).array(),
          b -> new Tally(ByteBuffer.wrap(b).getLong()));

  /** Per key: records (serialized store), a tally (heap store), records this hour (window store). */
  static final class Tallies implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> ctx;
    private KeyValueStore<String, Long> counts;
    private KeyValueStore<String, Tally> tallies;
    private WindowStore<String, Long> hourly;

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
      counts = context.getStateStore("counts");
      tallies = context.getStateStore("tallies");
      hourly = context.getStateStore("hourly");
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      long c = counts.get(r.key()) == null ? 1 : counts.get(r.key()) + 1;
      counts.put(r.key(), c);
      Tally t = tallies.get(r.key());
      if (t == null) {
        tallies.put(r.key(), new Tally(c * c));
      } else {
        t.n += c * c; // in place, no put
      }
      long hour = r.timestamp() / 3_600_000L * 3_600_000L;
      Long h = hourly.fetch(r.key(), hour);
      hourly.put(r.key(), h == null ? 1 : h + 1, hour);
      ctx.forward(
          r.withValue(r.key() + "=" + c + "/" + tallies.get(r.key()).n + "/" + (h == null ? 1 : h + 1)));
    }
  }

  private static Topology topology(String in, String out) {
    return new Topology()
        .addSource("in", in, Consumed.<String, String>with(Serdes.String())
            .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
            .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1))))
        .addProcessor("tally", Tallies::new, "in")
        .addStateStore(Stores.keyValueStoreBuilder("counts", Serdes.String(), Serdes.Long()), "tally")
        .addStateStore(Stores.heapKeyValueStoreBuilder("tallies", Serdes.String(), TALLY), "tally")
        .addStateStore(
            Stores.windowStoreBuilder(
                "hourly", Duration.ofHours(2), Duration.ofHours(1), Serdes.String(), Serdes.Long()),
            "tally")
        .addSink("out", out, Produced.with(Serdes.String()), "tally");
  }

  private StreamEngine engine(Path stateDir, Duration interval) {
    return engine("app", "in", "out", stateDir, interval);
  }

  private StreamEngine engine(
      String app, String in, String out, Path stateDir, Duration interval) {
    return StreamEngine.builder()
        .applicationId(app)
        .topology(topology(in, out))
        .log(log)
        .stateDir(stateDir)
        .checkpointInterval(interval)
        .build();
  }

  private void createStreams() {
    for (String s : List.of("in", "out", "reference-in", "reference")) {
      log.createStream(s, Retention.unlimited());
    }
  }

  /** Records {@code from} (inclusive) to {@code to}, ten minutes apart, over eleven keys. */
  private void pipe(int from, int to) {
    pipe("in", from, to);
  }

  private void pipe(String stream, int from, int to) {
    for (int i = from; i < to; i++) {
      String v = "k" + (i % 11) + "@" + (i * TEN_MINUTES);
      log.append(stream, 0L, v.getBytes(StandardCharsets.UTF_8));
    }
  }

  private List<String> read(String stream) {
    List<String> values = new ArrayList<>();
    for (LogMessage m : log.read(stream)) {
      values.add(new String(m.body(), StandardCharsets.UTF_8));
    }
    return values;
  }

  /** The output of one uninterrupted run over records 0 to {@code n}. */
  private List<String> reference(int n) throws Exception {
    pipe("reference-in", 0, n);
    try (StreamEngine ref =
        engine("ref", "reference-in", "reference", tmp.resolve("ref"), Duration.ofHours(1))) {
      ref.start();
      await(() -> read("reference").size() == n, "reference output");
    }
    return read("reference");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private static boolean hasTempFile(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
    } catch (IOException e) {
      return false;
    }
  }

  private static long nextOffset(Path dir) {
    try {
      Checkpoint cp = Checkpoint.loadLatest(dir);
      return cp == null ? -1 : cp.nextOffsets().getOrDefault("in", -1L);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a crash leaves: the state directory's files as they are now. */
  private static Path crashImage(Path dir, Path to) throws IOException {
    Files.createDirectories(to);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "checkpoint-*")) {
      for (Path f : files) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  @Test
  void shouldKeepProcessingWhileACheckpointIsWrittenAndRestoreThePreviousOneAfterACrashBeforeItIsDurable()
      throws Exception {
    createStreams();
    List<String> expected = reference(300);
    Path stateDir = tmp.resolve("state");
    Path dir = stateDir.resolve("app");
    Path image;
    try (StreamEngine engine = engine(stateDir, Duration.ofMillis(50))) {
      engine.start();
      pipe(0, 100);
      await(() -> read("out").size() == 100, "the first 100 outputs");
      await(() -> nextOffset(dir) == 100, "a durable checkpoint after 100 records");
      // stored just after the checkpoint became durable
      await(() -> log.queryOffset("app", "in").orElse(-1) == 99, "the stored offset");

      // From now on every checkpoint write stands 3 s between its durable temporary file and the
      // rename that makes it the newest.
      System.setProperty(Checkpoint.PAUSE_PROPERTY, "3000");
      pipe(100, 200);
      await(() -> hasTempFile(dir), "a checkpoint write in flight");
      long inFlightSeen = System.nanoTime();
      pipe(200, 300);
      await(() -> read("out").size() == 300, "outputs while the checkpoint is written");
      assertThat(System.nanoTime() - inFlightSeen)
          .as("records processed while the checkpoint write stood still")
          .isLessThan(Duration.ofMillis(2_500).toNanos());
      assertThat(hasTempFile(dir)).as("the write is still in flight").isTrue();
      assertThat(log.queryOffset("app", "in"))
          .as("offsets are stored only once the checkpoint is durable")
          .hasValue(99);
      image = crashImage(dir, tmp.resolve("crash").resolve("app"));
      System.clearProperty(Checkpoint.PAUSE_PROPERTY);
    }
    assertThat(nextOffset(image)).as("the crash image's newest checkpoint").isEqualTo(100);

    // Restarted from what the crash left: the previous checkpoint, then records 100 to 300 again,
    // whose outputs the log already has (same publishing ids): dropped.
    try (StreamEngine restarted = engine(tmp.resolve("crash"), Duration.ofMillis(50))) {
      restarted.start();
      assertThat(restarted.awaitIdle(WAIT)).isTrue();
    }
    assertThat(nextOffset(image)).isEqualTo(300);
    assertThat(read("out")).isEqualTo(expected);
  }

  @Test
  void shouldRestoreFromAChainOfDeltasTheStateAndOutputOfAnUninterruptedRun() throws Exception {
    createStreams();
    List<String> expected = reference(600);

    Path stateDir = tmp.resolve("state");
    Path dir = stateDir.resolve("app");
    Path image;
    long firstFull = -1;
    int crashAt = 0;
    // The checkpoint code's loggers: the restore's and the reading of chains.
    CapturedLog logged = CapturedLog.of("coursepulse.engine.internal");
    try (logged; StreamEngine engine = engine(stateDir, Duration.ofMillis(20))) {
      engine.start();
      // Batches until the newest chain is a compacted full checkpoint and deltas after it.
      for (int batch = 0; batch < 45; batch++) {
        int end = (batch + 1) * 10;
        pipe(batch * 10, end);
        await(() -> nextOffset(dir) == end, "a checkpoint after record " + end);
        crashAt = end;
        List<Checkpoint> chain = Checkpoint.loadLatestChain(dir);
        firstFull = firstFull < 0 ? chain.get(0).sequence() : firstFull;
        if (chain.size() > 2 && chain.get(0).sequence() > firstFull) {
          break;
        }
      }
      image = crashImage(dir, tmp.resolve("crash").resolve("app"));
      pipe(crashAt, crashAt + 60); // processed beyond the image's checkpoint: outputs the log keeps
      int seen = crashAt + 60;
      await(() -> read("out").size() == seen, "outputs beyond the crash image");
    }
    List<Checkpoint> chain = Checkpoint.loadLatestChain(image);
    assertThat(chain).as("a full checkpoint and deltas").hasSizeGreaterThan(2);
    assertThat(chain.get(0).full()).isTrue();
    assertThat(chain.subList(1, chain.size())).noneMatch(Checkpoint::full);
    assertThat(chain.get(chain.size() - 1).nextOffsets()).containsEntry("in", (long) crashAt);
    assertThat(chain.get(0).sequence())
        .as("deltas were compacted into a newer full checkpoint off the task thread")
        .isGreaterThan(firstFull);
    // Compacting reads the newest chain too; only a restore says it restores.
    assertThat(logged.messages()).noneMatch(m -> m.contains("restoring"));

    CapturedLog restoring = CapturedLog.of("coursepulse.engine.internal");
    try (restoring; StreamEngine restarted = engine(tmp.resolve("crash"), Duration.ofMillis(20))) {
      restarted.start();
      pipe(crashAt + 60, 600);
      await(() -> read("out").size() == 600, "all outputs after the restart");
      assertThat(restarted.awaitIdle(WAIT)).isTrue();
    }
    assertThat(read("out")).isEqualTo(expected);
    long restored = chain.get(chain.size() - 1).sequence();
    assertThat(restoring.messages())
        .filteredOn(m -> m.contains("restoring"))
        .singleElement()
        .satisfies(m -> assertThat(m).startsWith(
            "restoring from checkpoint " + restored + " in " + image
                + " (a chain of " + chain.size() + " from " + chain.get(0).sequence() + ")"));
  }

  /** Counts per key in a serialized and a heap store; emits "key=count/heapCount". */
  static final class TwoCounts implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> ctx;
    private KeyValueStore<String, Long> counts;
    private KeyValueStore<String, Long> heap;

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
      counts = context.getStateStore("counts");
      heap = context.getStateStore("heap");
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      long c = counts.get(r.key()) == null ? 1 : counts.get(r.key()) + 1;
      long h = heap.get(r.key()) == null ? 1 : heap.get(r.key()) + 1;
      counts.put(r.key(), c);
      heap.put(r.key(), h);
      ctx.forward(r.withValue(r.key() + "=" + c + "/" + h));
    }
  }

  /** A checkpoint file of the older format ("CPK1": full, whole stores), as earlier versions wrote. */
  private static byte[] olderFormat(
      long sequence, long streamTime, long nextOffset, long nextId, Map<String, byte[]> stores)
      throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(0x43504b31);
    out.writeLong(sequence);
    out.writeLong(streamTime);
    out.writeInt(1);
    out.writeUTF("in");
    out.writeLong(nextOffset);
    out.writeInt(1);
    out.writeUTF("out");
    out.writeLong(nextId);
    out.writeInt(0); // no stream-time schedule
    out.writeInt(stores.size());
    for (Map.Entry<String, byte[]> e : stores.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue().length);
      out.write(e.getValue());
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bos.toByteArray());
    out.writeLong(crc.getValue());
    return bos.toByteArray();
  }

  private static <S extends CheckpointableStore & KeyValueStore<String, Long>> byte[] whole(
      S store, String... keysAndCounts) throws IOException {
    for (int i = 0; i < keysAndCounts.length; i += 2) {
      store.put(keysAndCounts[i], Long.parseLong(keysAndCounts[i + 1]));
    }
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    store.writeTo(new DataOutputStream(bos));
    return bos.toByteArray();
  }

  @Test
  void shouldRestoreACheckpointOfTheOlderFormatAndContinueWithIncrementalOnes() throws Exception {
    createStreams();
    for (String v : List.of("x@10", "x@30", "y@50")) {
      log.append("in", 0L, v.getBytes(StandardCharsets.UTF_8));
    }
    // An earlier version processed x@10 and x@30 (outputs 1 and 2) and wrote this checkpoint.
    Path dir = tmp.resolve("state").resolve("app");
    Files.createDirectories(dir);
    Map<String, byte[]> stores = new LinkedHashMap<>();
    stores.put("counts", whole(new InMemoryKeyValueStore<>("counts", Serdes.String(), Serdes.Long()), "x", "2"));
    stores.put("heap", whole(new HeapKeyValueStore<>("heap", Serdes.String(), Serdes.Long()), "x", "2"));
    Files.write(
        dir.resolve(String.format("checkpoint-%020d.bin", 7)), olderFormat(7, 30, 2, 3, stores));
    Topology topology =
        new Topology()
            .addSource("in", "in", Consumed.<String, String>with(Serdes.String())
                .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
                .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1))))
            .addProcessor("count", TwoCounts::new, "in")
            .addStateStore(Stores.keyValueStoreBuilder("counts", Serdes.String(), Serdes.Long()), "count")
            .addStateStore(Stores.heapKeyValueStoreBuilder("heap", Serdes.String(), Serdes.Long()), "count")
            .addSink("out", "out", Produced.with(Serdes.String()), "count");
    for (String next : List.of("x@60", "x@70")) {
      try (StreamEngine engine =
          StreamEngine.builder().applicationId("app").topology(topology).log(log)
              .stateDir(tmp.resolve("state")).checkpointInterval(Duration.ofMillis(20)).build()) {
        engine.start();
        assertThat(engine.awaitIdle(WAIT)).isTrue();
        log.append("in", 0L, next.getBytes(StandardCharsets.UTF_8));
        assertThat(engine.awaitIdle(WAIT)).isTrue();
      }
      List<Checkpoint> chain = Checkpoint.loadLatestChain(dir);
      assertThat(chain.get(0).full()).isTrue();
      assertThat(chain.get(0).changes()).as("continued as a chain of changes").containsKeys("counts", "heap");
    }
    // Outputs 1 and 2 were written by the earlier version: the log has only those after it.
    assertThat(read("out")).containsExactly("y=1/1", "x=3/3", "x=4/4");
  }
}
