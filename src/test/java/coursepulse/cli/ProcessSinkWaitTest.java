package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code process --stop-when-idle --sink-jdbc-url} with a database it cannot reach: it waited five
 * minutes and exited 0 with the table behind, which reads as success. It now fails, saying what to
 * do, after {@code --sink-wait}.
 */
class ProcessSinkWaitTest {
  @TempDir Path dir;

  @Test
  void shouldFailWhenTheSinkHasNotAppliedEveryAlertInTime() {
    StringWriter produced = new StringWriter();
    assertThat(
            InProcess.run(
                produced, "produce", "--broker", "embedded", "--embedded-dir",
                dir.resolve("log").toString(), "--students", "20", "--days", "30", "--speed",
                "max"))
        .as(produced.toString())
        .isZero();

    StringWriter err = new StringWriter();
    int code =
        InProcess.run(
            err, "process", "--broker", "embedded", "--embedded-dir", dir.resolve("log").toString(),
            "--state-dir", dir.resolve("state").toString(), "--stop-when-idle", "1",
            "--metrics-port", "0", "--sink-jdbc-url", "jdbc:postgresql://127.0.0.1:1/nowhere",
            "--sink-wait", "2s");

    assertThat(code).as(err.toString()).isEqualTo(ErrorHandler.EXIT_FAILURE);
    assertThat(err.toString())
        .contains("the sink applied them only up to offset")
        .contains("still behind after 2 s: is the database reachable?")
        .contains("run 'coursepulse sink'");
  }
}
