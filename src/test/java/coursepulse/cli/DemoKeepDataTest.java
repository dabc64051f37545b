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

  /**
   * A kept log of another simulation is refused, with how to start over: before, a second run with
   * another --seed mixed both runs' events and alerts and reported a wrong precision and recall
   * ("422 alerts opened, 411 unmatched") without a warning.
   */
  @Test
  void shouldRefuseAKeptLogOfAnotherSimulation() throws Exception {
    Path logDir = tmp.resolve("kept");
    StringWriter first = new StringWriter();
    assertThat(InProcess.run(first, demo(logDir, "42"))).as("first run: %s", first).isZero();
    long enrolments;
    try (StreamLog log = EmbeddedStreamLog.open(logDir)) {
      enrolments = log.stats(StreamNames.ENROLLMENT).orElseThrow().count();
    }

    StringWriter again = new StringWriter();
    assertThat(InProcess.run(again, demo(logDir, "42"))).as("same options: %s", again).isZero();
    StringWriter other = new StringWriter();
    assertThat(InProcess.run(other, demo(logDir, "7"))).isNotZero();
    assertThat(other.toString())
        .contains("holds another simulation (other --seed, --students or --courses)")
        .contains("give another --embedded-dir, or delete " + logDir);
    try (StreamLog log = EmbeddedStreamLog.open(logDir)) {
      assertThat(log.stats(StreamNames.ENROLLMENT).orElseThrow().count()).isEqualTo(enrolments);
    }
  }

  private static String[] demo(Path logDir, String seed) {
    return new String[] {
      "demo", "--students", "30", "--courses", "2", "--speed", "max", "--quiet", "--seed", seed,
      "--jdbc-url=", "--metrics-port", "0", "--broker", "embedded", "--keep-data",
      "--embedded-dir", logDir.toString()
    };
  }

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
