package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two embedded logs processed in turn with one state directory (as two {@code --embedded-dir}s
 * from one working directory share the default one): the second run is refused with what to do,
 * instead of resuming at the first log's offsets and skipping most of the second's events.
 */
class StateOfAnotherLogTest {
  @TempDir Path dir;

  private int produce(String log, String seed) {
    StringWriter err = new StringWriter();
    int code =
        InProcess.run(
            err, "produce", "--broker", "embedded", "--embedded-dir", dir.resolve(log).toString(),
            "--students", "20", "--days", "10", "--seed", seed, "--speed", "max");
    assertThat(code).as(err.toString()).isZero();
    return code;
  }

  private int process(StringWriter err, String log, String state) {
    return InProcess.run(
        err, "process", "--broker", "embedded", "--embedded-dir", dir.resolve(log).toString(),
        "--state-dir", dir.resolve(state).toString(), "--stop-when-idle", "1",
        "--metrics-port", "0");
  }

  @Test
  void shouldRefuseTheStateOfAnotherLogAndSayWhatToDo() {
    produce("a", "1");
    produce("b", "2");
    StringWriter first = new StringWriter();
    assertThat(process(first, "a", "state")).as(first.toString()).isZero();

    StringWriter err = new StringWriter();
    int code = process(err, "b", "state");

    assertThat(code).isEqualTo(ErrorHandler.EXIT_FAILURE);
    assertThat(err.toString())
        .contains("checkpointed from another log")
        .contains("embedded log in " + dir.resolve("b").toAbsolutePath())
        .contains("'process --state-dir DIR'")
        .contains("'coursepulse reset --application-id coursepulse --to first'");
    StringWriter own = new StringWriter();
    assertThat(process(own, "b", "state-b")).as(own.toString()).isZero();

    // The hint's reset, with this log's options, lets the same directory start over on it.
    StringWriter reset = new StringWriter();
    int resetCode =
        InProcess.run(
            reset, "reset", "--broker", "embedded", "--embedded-dir", dir.resolve("b").toString(),
            "--state-dir", dir.resolve("state").toString(), "--application-id", "coursepulse",
            "--to", "first");
    assertThat(resetCode).as(reset.toString()).isZero();
    StringWriter again = new StringWriter();
    assertThat(process(again, "b", "state")).as(again.toString()).isZero();
  }
}
