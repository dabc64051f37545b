package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's local checkpoints belong to the log they were taken on: started with them on
 * another log (two embedded logs processed in turn from one working directory share the default
 * state directory), the engine refuses, where it used to resume at the first log's offsets in the
 * second log's streams and skip most of them. A copy of the log is the same log.
 */
class StateLogBindingTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  private static Topology upperCase() {
    Consumed<String, String> consumed =
        Consumed.<String, String>with(Serdes.String())
            .withKeyExtractor(v -> v.substring(0, 1))
            .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1)));
    StreamsBuilder builder = new StreamsBuilder();
    builder
        .stream("in", consumed)
        .mapValues(v -> v.toUpperCase())
        .to("out", Produced.with(Serdes.String()));
    return builder.build();
  }

  private StreamEngine engine(StreamLog log, Path stateDir) {
    return StreamEngine.builder()
        .applicationId("app")
        .topology(upperCase())
        .log(log)
        .stateDir(stateDir)
        .checkpointInterval(Duration.ofHours(1))
        .build();
  }

  private static void write(StreamLog log, String... values) throws Exception {
    for (String s : List.of("in", "out")) {
      if (!log.streamExists(s)) {
        log.createStream(s, Retention.unlimited());
      }
    }
    try (LogWriter w = log.writer("in", "feeder")) {
      long id = w.lastPublishingId();
      for (String v : values) {
        w.append(++id, v.getBytes(StandardCharsets.UTF_8));
      }
      w.flush(WAIT);
    }
  }

  private static List<String> out(StreamLog log) throws Exception {
    List<String> values = new ArrayList<>();
    try (LogReader r = log.reader("out", OffsetSpec.first())) {
      for (LogMessage m = r.poll(Duration.ZERO); m != null; m = r.poll(Duration.ZERO)) {
        values.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private void runOnce(StreamLog log, Path stateDir) throws InterruptedException {
    try (StreamEngine e = engine(log, stateDir)) {
      e.start();
      assertThat(e.awaitIdle(WAIT)).isTrue();
    }
  }

  @Test
  void shouldRefuseCheckpointsOfAnotherLogUntilTheyAreCleanedUp() throws Exception {
    Path state = tmp.resolve("state");
    try (EmbeddedStreamLog first = EmbeddedStreamLog.open(tmp.resolve("first"))) {
      write(first, "a@1", "b@2", "c@3");
      runOnce(first, state);
      assertThat(out(first)).containsExactly("A@1", "B@2", "C@3");
    }
    try (EmbeddedStreamLog second = EmbeddedStreamLog.open(tmp.resolve("second"))) {
      write(second, "x@1", "y@2", "z@3", "w@4");
      try (StreamEngine e = engine(second, state)) {
        assertThatThrownBy(e::start)
            .isInstanceOf(StateOfAnotherLogException.class)
            .hasMessageContaining("checkpointed from another log")
            .hasMessageContaining(second.describe())
            .hasMessageContaining("state directory of its own");
      }
      assertThat(out(second)).isEmpty();
      // Refused, the directory is free again: cleaning it up takes its lock.
      StreamEngine.cleanUp(state, "app");
      runOnce(second, state);
      assertThat(out(second)).containsExactly("X@1", "Y@2", "Z@3", "W@4");
    }
  }

  @Test
  void shouldRefuseCheckpointsOfALogWithAnIdOnOneWithoutAndTheOtherWayRound() throws Exception {
    Path fromFile = tmp.resolve("from-file");
    try (EmbeddedStreamLog file = EmbeddedStreamLog.open(tmp.resolve("file"))) {
      write(file, "a@1");
      runOnce(file, fromFile);
    }
    Path fromMemory = tmp.resolve("from-memory");
    try (EmbeddedStreamLog memory = EmbeddedStreamLog.inMemory()) {
      write(memory, "b@1");
      runOnce(memory, fromMemory);
      try (StreamEngine e = engine(memory, fromFile)) {
        assertThatThrownBy(e::start)
            .isInstanceOf(StateOfAnotherLogException.class)
            .hasMessageContaining("(a log that gives no id)");
      }
    }
    try (EmbeddedStreamLog file = EmbeddedStreamLog.open(tmp.resolve("file"))) {
      try (StreamEngine e = engine(file, fromMemory)) {
        assertThatThrownBy(e::start)
            .isInstanceOf(StateOfAnotherLogException.class)
            .hasMessageContaining("from another log (a log that gives no id)");
      }
    }
  }

  /**
   * A directory without checkpoints takes the log it is started with, whatever it was bound to:
   * a first run that stopped before its first checkpoint, or a clean-up interrupted between
   * deleting the checkpoints and the binding, does not lock it to a log it holds nothing of.
   */
  @Test
  void shouldRebindADirectoryWithoutCheckpoints() throws Exception {
    Path state = tmp.resolve("state");
    Path appDir = state.resolve("app");
    Files.createDirectories(appDir);
    Files.writeString(appDir.resolve("log-id"), "some-other-log\n");
    try (EmbeddedStreamLog log = EmbeddedStreamLog.open(tmp.resolve("log"))) {
      write(log, "a@1");
      runOnce(log, state);
      assertThat(out(log)).containsExactly("A@1");
      assertThat(Files.readString(appDir.resolve("log-id")).strip())
          .isEqualTo(log.identity().orElseThrow());
    }
  }

  @Test
  void shouldResumeOnACopyOfTheLog() throws Exception {
    Path state = tmp.resolve("state");
    Path original = tmp.resolve("original");
    try (EmbeddedStreamLog log = EmbeddedStreamLog.open(original)) {
      write(log, "a@1", "b@2");
      runOnce(log, state);
    }
    Path copy = tmp.resolve("copy");
    try (Stream<Path> files = Files.walk(original)) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(original.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    try (EmbeddedStreamLog log = EmbeddedStreamLog.open(copy)) {
      write(log, "c@3");
      runOnce(log, state);
      // Resumed after b@2: nothing is processed twice.
      assertThat(out(log)).containsExactly("A@1", "B@2", "C@3");
    }
  }
}
