package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.Consumed;
import coursepulse.engine.Produced;
import coursepulse.engine.Serdes;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.Topology;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.testing.CapturedLog;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart after new input arrived resumes past the offset-tracking entries the previous run
 * stored (they take offsets but are never delivered): no warning about retention, which removed
 * nothing; a real retention gap is told apart by the stream's first offset.
 */
@ExtendWith(RabbitMqExtension.class)
class RestartWarningIT {

  @TempDir Path stateDir;

  @Test
  void shouldNotWarnAboutRetentionWhenResumingPastStoredOffsets(RabbitStreamLog log)
      throws Exception {
    String in = RabbitVhost.uniqueStream("in");
    String out = RabbitVhost.uniqueStream("out");
    log.createStream(in, Retention.unlimited());
    log.createStream(out, Retention.unlimited());
    CapturedLog logged = CapturedLog.of("coursepulse.engine.internal.EngineRuntime");
    try (logged) {
      append(log, in, "first", 0, 50);
      run(log, in, out);
      append(log, in, "second", 50, 50);
      run(log, in, out);
    }
    assertThat(logged.messages()).noneMatch(m -> m.contains("retention"));
    assertThat(log.stats(out).orElseThrow().lastOffset()).isGreaterThanOrEqualTo(99);
  }

  private static void append(RabbitStreamLog log, String stream, String producer, long from, int n) {
    try (LogWriter w = log.writer(stream, producer)) {
      for (int i = 0; i < n; i++) {
        w.append(i + 1, ("m" + (from + i)).getBytes(StandardCharsets.UTF_8));
      }
      w.flush(Duration.ofSeconds(30));
    }
  }

  private void run(RabbitStreamLog log, String in, String out) throws Exception {
    Topology copy =
        new Topology()
            .addSource("src", in, Consumed.<String, String>with(Serdes.String()).withKeyExtractor(v -> v))
            .addSink("out", out, Produced.with(Serdes.String()), "src");
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId("restart")
            .topology(copy)
            .log(log)
            .stateDir(stateDir)
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(Duration.ofMinutes(2))).isTrue();
    }
  }
}
