package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.Retention;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamEngineTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path stateDir;

  private final InMemoryStreamLog log = new InMemoryStreamLog(Clock.systemUTC());

  /** Values are "key@timestamp". */
  private static Consumed<String, String> keyedAt() {
    return Consumed.<String, String>with(Serdes.String())
        .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
        .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1)));
  }

  /** Counts per key and emits "stream:key=count". */
  static final class Counter implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> ctx;
    private KeyValueStore<String, Long> counts;

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
      counts = context.getStateStore("counts");
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      long c = counts.get(r.key()) == null ? 1 : counts.get(r.key()) + 1;
      counts.put(r.key(), c);
      ctx.forward(
          r.withValue(ctx.recordMetadata().orElseThrow().stream() + ":" + r.key() + "=" + c));
    }
  }

  private static Topology countingTopology() {
    return new Topology()
        .addSource("a", "in-a", keyedAt())
        .addSource("b", "in-b", keyedAt())
        .addProcessor("count", Counter::new, "a", "b")
        .addStateStore(Stores.keyValueStoreBuilder("counts", Serdes.String(), Serdes.Long()), "count")
        .addSink("out", "out", Produced.with(Serdes.String()), "count");
  }

  private StreamEngine engine(Path dir) {
    return StreamEngine.builder()
        .applicationId("app")
        .topology(countingTopology())
        .log(log)
        .stateDir(dir)
        .checkpointInterval(Duration.ofHours(1))
        .maxBufferedRecordsPerSource(3)
        .build();
  }

  private void createStreams() {
    for (String s : List.of("in-a", "in-b", "out")) {
      log.createStream(s, Retention.unlimited());
    }
  }

  private void put(String stream, String value) {
    log.append(stream, 0L, value.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> out() {
    List<String> values = new ArrayList<>();
    for (LogMessage m : log.read("out")) {
      values.add(new String(m.body(), StandardCharsets.UTF_8));
    }
    return values;
  }

  /** The JDK's message was the bare path; a user needs the reason and what to do. */
  @Test
  void shouldSayWhyTheStateDirectoryCannotBeUsed() throws Exception {
    createStreams();
    Path file = stateDir.resolve("a-file");
    java.nio.file.Files.writeString(file, "not a directory");
    try (StreamEngine engine = engine(file)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(engine::start)
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("cannot lock the state directory")
          .hasMessageContaining(file.resolve("app") + ": Not a directory;")
          .hasMessageContaining("give --state-dir a directory this user can write");
    }
  }

  @Test
  void shouldMergeInputsInTimestampOrderWriteOutputsAndStoreOffsetsOnClose() throws Exception {
    createStreams();
    put("in-a", "x@10");
    put("in-a", "x@30");
    put("in-a", "y@50");
    put("in-b", "x@20");
    put("in-b", "y@30"); // tie with in-a's x@30: source a was added first
    List<StreamEngine.State> states = new ArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamEngine engine =
        StreamEngine.builder()
            .applicationId("app")
            .topology(countingTopology())
            .log(log)
            .stateDir(stateDir)
            .meterRegistry(registry)
            .stateListener((n, o) -> states.add(n))
            .maxBufferedRecordsPerSource(1)
            .build();
    engine.start();
    assertThat(engine.awaitIdle(WAIT)).isTrue();
    assertThat(out())
        .containsExactly("in-a:x=1", "in-b:x=2", "in-a:x=3", "in-b:y=1", "in-a:y=2");
    engine.close();

    assertThat(engine.state()).isEqualTo(StreamEngine.State.STOPPED);
    assertThat(states)
        .containsExactly(
            StreamEngine.State.RESTORING, StreamEngine.State.RUNNING,
            StreamEngine.State.PENDING_SHUTDOWN, StreamEngine.State.STOPPED);
    assertThat(log.queryOffset("app", "in-a")).hasValue(2);
    assertThat(log.queryOffset("app", "in-b")).hasValue(1);
    assertThat(
            registry.get("coursepulse.engine.records.processed").tag("source", "in-a")
                .functionCounter().count())
        .isEqualTo(3.0);
    assertThat(registry.get("coursepulse.engine.store.entries").gauge().value()).isEqualTo(2.0);
  }

  @Test
  void shouldReEmitNothingTwiceAfterReplayingFromAnOlderCheckpoint() throws Exception {
    createStreams();
    for (int i = 0; i < 20; i++) {
      put(i % 2 == 0 ? "in-a" : "in-b", "k" + (i % 3) + "@" + (i * 10));
    }
    try (StreamEngine first = engine(stateDir)) {
      first.start();
      assertThat(first.awaitIdle(WAIT)).isTrue();
    }
    // Keep the checkpoint taken after 20 records: the "crash" will fall back to it.
    Path older = Files.createTempDirectory("older");
    copy(stateDir, older);

    for (int i = 20; i < 50; i++) {
      put(i % 2 == 0 ? "in-a" : "in-b", "k" + (i % 3) + "@" + (i * 10));
    }
    try (StreamEngine second = engine(stateDir)) {
      second.start();
      assertThat(second.awaitIdle(WAIT)).isTrue();
    }
    List<String> uninterrupted = out();
    assertThat(uninterrupted).hasSize(50);

    // Restart from the older checkpoint, as after a crash that published outputs 21..50 but did
    // not checkpoint them: the replay re-emits them with the same publishing ids.
    try (StreamEngine replay = engine(older)) {
      replay.start();
      assertThat(replay.awaitIdle(WAIT)).isTrue();
    }
    assertThat(out()).isEqualTo(uninterrupted);
    assertThat(uninterrupted.get(49)).isEqualTo("in-b:k1=17");
  }

  @Test
  void shouldFallBackToThePreviousCheckpointWhenTheLatestIsCorrupt() throws Exception {
    createStreams();
    put("in-a", "k@1");
    try (StreamEngine e = engine(stateDir)) {
      e.start();
      assertThat(e.awaitIdle(WAIT)).isTrue();
    }
    put("in-a", "k@2");
    try (StreamEngine e = engine(stateDir)) {
      e.start();
      assertThat(e.awaitIdle(WAIT)).isTrue();
    }
    Path appDir = stateDir.resolve("app");
    List<Path> files;
    try (Stream<Path> s = Files.list(appDir)) {
      // Only checkpoints: the directory also holds the running application's lock file.
      files = s.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).sorted().toList();
    }
    assertThat(files).hasSize(2);
    Path latest = files.get(1);
    byte[] bytes = Files.readAllBytes(latest);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(latest, bytes);

    put("in-a", "k@3");
    try (StreamEngine e = engine(stateDir)) {
      e.start();
      assertThat(e.awaitIdle(WAIT)).isTrue();
    }
    // The previous checkpoint reflects one record: k@2 and k@3 are replayed, k@2 deduplicated.
    assertThat(out()).containsExactly("in-a:k=1", "in-a:k=2", "in-a:k=3");
  }

  @Test
  void shouldDeadLetterUnreadableRecordsAndKeepProcessing() throws Exception {
    createStreams();
    put("in-a", "k@1");
    put("in-a", "no timestamp here");
    put("in-a", "k@2");
    try (StreamEngine e = engine(stateDir)) {
      e.start();
      assertThat(e.awaitIdle(WAIT)).isTrue();
    }
    assertThat(out()).containsExactly("in-a:k=1", "in-a:k=2");
    List<LogMessage> dlq = log.read("app-dlq");
    assertThat(dlq).hasSize(1);
    assertThat(new String(dlq.get(0).body(), StandardCharsets.UTF_8))
        .startsWith(
            "{\"stream\":\"in-a\",\"offset\":1,\"reason\":\"unreadable\","
                + "\"detail\":\"StringIndexOutOfBoundsException");
  }

  @Test
  void shouldNotClaimToHaveStoppedWhenClosedFromItsOwnTaskThread() throws Exception {
    // A processor (or a state listener) may close its own engine. The task ends only after that
    // call returns, so the call must not report it stopped: a caller keeping track of stopped
    // tasks would forget one that still locks its state directory.
    createStreams();
    put("in-a", "k@1");
    put("in-a", "stop@2");
    CompletableFuture<StreamEngine> self = new CompletableFuture<>();
    CompletableFuture<Boolean> closedInTime = new CompletableFuture<>();
    Topology closing =
        new Topology()
            .addSource("a", "in-a", keyedAt())
            .addProcessor(
                "close",
                () ->
                    new Processor<String, String, String, String>() {
                      @Override
                      public void process(StreamRecord<String, String> r) {
                        if (r.key().equals("stop")) {
                          closedInTime.complete(self.join().close(Duration.ofSeconds(5)));
                        }
                      }
                    },
                "a");
    StreamEngine engine =
        StreamEngine.builder()
            .applicationId("app")
            .topology(closing)
            .log(log)
            .stateDir(stateDir)
            .build();
    self.complete(engine);
    engine.start();

    assertThat(closedInTime.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isFalse();
    assertThat(engine.close(WAIT)).as("stopped once its own close had returned").isTrue();
    assertThat(engine.state()).isEqualTo(StreamEngine.State.STOPPED);
    // Its state directory is free again: a new engine over it starts.
    try (StreamEngine next = engine(stateDir)) {
      next.start();
      assertThat(next.awaitIdle(WAIT)).isTrue();
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
