package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --to last} on RabbitMQ 4.0 after a {@code process} run. RabbitMQ 3.11 and newer
 * count the offsets that {@code process} stores after each checkpoint (entries no reader is ever
 * given) in a stream's last offset; a replay that took that offset for its end waited for it
 * forever (after a 10-second probe per input), on every stream a process had run over.
 */
@ExtendWith(RabbitMq4Extension.class)
class Replay4IT {

  @TempDir Path dir;

  @Test
  void shouldReplayToTheLastMessageWhenStoredOffsetsFollowIt(RabbitVhost vhost) throws Exception {
    String uri = vhost.uri();
    assertThat(run("produce", "--uri", uri, "--students", "40", "--speed", "max")).isZero();
    assertThat(run("process", "--uri", uri, "--stop-when-idle", "2",
            "--state-dir", dir.resolve("state").toString()))
        .isZero();
    long messages = 0;
    try (RabbitStreamLog log = RabbitStreamLog.connect(uri)) {
      for (String s : StreamNames.INPUTS) {
        messages += messagesIn(log, s);
        assertThat(log.queryOffset("coursepulse", s)).as("offset stored on %s", s).isPresent();
      }
    }

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        assertTimeoutPreemptively(
            Duration.ofMinutes(2),
            () -> InProcess.run(out, err, "replay", "--uri", uri, "--from", "first", "--to", "last",
                "--output-stream", "replayed-alerts"),
            () -> "the replay did not end; its progress: " + err);
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains(String.format(java.util.Locale.ROOT, "replayed %,d events", messages));
  }

  /** Messages a reader is given (stored offsets take offsets but are not delivered). */
  private static long messagesIn(RabbitStreamLog log, String stream) {
    long n = 0;
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      while (reader.poll(Duration.ofSeconds(3)) != null) {
        n++;
      }
    }
    return n;
  }

  private static int run(String... args) {
    StringWriter err = new StringWriter();
    int exit = InProcess.run(err, args);
    if (exit != 0) {
      System.err.println(err);
    }
    return exit;
  }
}
