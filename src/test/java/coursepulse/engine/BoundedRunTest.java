package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-source start positions, per-source end offsets, and the state-directory lock. */
class BoundedRunTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path stateDir;

  private final InMemoryStreamLog log = new InMemoryStreamLog(Clock.systemUTC());

  private static Topology copy(String... inputs) {
    Topology t = new Topology();
    for (String in : inputs) {
      t.addSource(
          "src-" + in,
          in,
          Consumed.<String, String>with(Serdes.String())
              .withKeyExtractor(v -> v)
              .withTimestampExtractor((v, ts) -> Long.parseLong(v.substring(v.indexOf('@') + 1))));
    }
    String[] parents = new String[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      parents[i] = "src-" + inputs[i];
    }
    return t.addSink("out", "out", Produced.with(Serdes.String()), parents);
  }

  private void fill(String stream, int n, long timeStep) {
    log.createStream(stream, Retention.unlimited());
    for (int i = 0; i < n; i++) {
      log.append(stream, 0L, (stream + "#" + i + "@" + (i * timeStep)).getBytes(StandardCharsets.UTF_8));
    }
  }

  private List<String> output() {
    List<String> out = new ArrayList<>();
    try (LogReader r = log.reader("out", OffsetSpec.first())) {
      for (LogMessage m = r.poll(Duration.ZERO); m != null; m = r.poll(Duration.ZERO)) {
        out.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Test
  void shouldProcessExactlyTheRangeBetweenPerSourceStartAndStopOffsets() throws Exception {
    fill("a", 100, 10);
    fill("b", 100, 10);
    log.createStream("out", Retention.unlimited());
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("bounded")
            .topology(copy("a", "b"))
            .log(log)
            .stateDir(stateDir)
            .startFrom(Map.of("a", OffsetSpec.offset(10), "b", OffsetSpec.offset(50)))
            .stopAt(Map.of("a", 20L, "b", 55L))
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();
      // Appends after the bound are not read either.
      fill("a", 5, 1);
      assertThat(engine.awaitIdle(WAIT)).isTrue();
    }
    List<String> out = output();
    assertThat(out).hasSize(15);
    assertThat(out).filteredOn(v -> v.startsWith("a#")).first().isEqualTo("a#10@100");
    assertThat(out).filteredOn(v -> v.startsWith("a#")).last().isEqualTo("a#19@190");
    assertThat(out).filteredOn(v -> v.startsWith("b#")).containsExactly(
        "b#50@500", "b#51@510", "b#52@520", "b#53@530", "b#54@540");
  }

  @Test
  void shouldBeIdleAtOnceForAnEmptyRange() throws Exception {
    fill("a", 10, 10);
    log.createStream("out", Retention.unlimited());
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("empty-range")
            .topology(copy("a"))
            .log(log)
            .stateDir(stateDir)
            .startFrom(Map.of("a", OffsetSpec.offset(5)))
            .stopAt(Map.of("a", 5L))
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();
    }
    assertThat(output()).isEmpty();
  }

  @Test
  void shouldStopAtTheLogEndWhenTheBoundLiesBeyondIt() throws Exception {
    fill("a", 10, 10);
    log.createStream("out", Retention.unlimited());
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("beyond")
            .topology(copy("a"))
            .log(log)
            .stateDir(stateDir)
            .stopAt(Map.of("a", 1_000L))
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();
    }
    assertThat(output()).hasSize(10);
  }

  @Test
  void shouldRefuseBoundsForStreamsTheTopologyDoesNotRead() {
    assertThatThrownBy(
            () ->
                StreamEngine.builder()
                    .applicationId("x")
                    .topology(copy("a"))
                    .log(log)
                    .stateDir(stateDir)
                    .stopAt(Map.of("zzz", 1L))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zzz");
  }

  @Test
  void shouldRefuseASecondEngineAndACleanUpWhileTheStateDirectoryIsHeld() throws Exception {
    fill("a", 10, 10);
    log.createStream("out", Retention.unlimited());
    StreamEngine.Builder builder =
        StreamEngine.builder().applicationId("locked").topology(copy("a")).log(log).stateDir(stateDir);
    try (StreamEngine first = builder.build()) {
      first.start();
      assertThat(first.awaitIdle(WAIT)).isTrue();
      assertThat(StreamEngine.isRunning(stateDir, "locked")).isTrue();
      StreamEngine second = builder.build();
      assertThatThrownBy(second::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is running");
      assertThatThrownBy(() -> StreamEngine.cleanUp(stateDir, "locked"))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(StreamEngine.isRunning(stateDir, "locked")).isFalse();
    assertThat(Files.list(stateDir.resolve("locked")).map(p -> p.getFileName().toString()))
        .anyMatch(n -> n.startsWith("checkpoint-"));
    assertThat(StreamEngine.cleanUp(stateDir, "locked")).isEqualTo(1);
    assertThat(Files.list(stateDir.resolve("locked")).map(p -> p.getFileName().toString()))
        .noneMatch(n -> n.startsWith("checkpoint-"));
  }
}
