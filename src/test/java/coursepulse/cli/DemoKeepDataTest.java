package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --keep-data} keeps the log where {@code --embedded-dir} says and the alerting's state
 * beside it, named after it: before, the state went to {@code coursepulse-data/demo-state} in the
 * working directory whatever the log's directory, so a second log met the first one's state and
 * the demo was refused.
 */
class DemoKeepDataTest {

  @TempDir Path tmp;

  @Test
  void shouldKeepEachLogsStateBesideIt() throws Exception {
    Path first = tmp.resolve("term").resolve("a");
    Path second = tmp.resolve("term").resolve("b");

    for (Path logDir : new Path[] {first, second}) {
      StringWriter err = new StringWriter();
      int code =
          InProcess.run(
              err, "demo", "--students", "30", "--courses", "2", "--speed", "max", "--quiet",
              "--jdbc-url=", "--metrics-port", "0", "--broker", "embedded", "--keep-data",
              "--embedded-dir", logDir.toString());
      assertThat(code).as("demo on %s: %s", logDir, err).isZero();
    }

    for (Path logDir : new Path[] {first, second}) {
      Path stateDir = logDir.resolveSibling(logDir.getFileName() + "-demo-state");
      try (Stream<Path> files = Files.walk(stateDir)) {
        assertThat(files.filter(Files::isRegularFile)).as("files in %s", stateDir).isNotEmpty();
      }
      try (StreamLog log = EmbeddedStreamLog.open(logDir)) {
        assertThat(log.stats(StreamNames.ALERTS).orElseThrow().lastOffset())
            .as("last offset of the kept 04-Alerts in %s", logDir)
            .isPositive();
      }
    }
  }
}
