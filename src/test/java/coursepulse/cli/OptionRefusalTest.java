package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Options that make no sense are refused with a line saying why, before any broker is used. */
class OptionRefusalTest {

  private static int run(Object command, StringWriter err, String... args) {
    CommandLine cl =
        new CommandLine(command)
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(new ErrorHandler());
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    return cl.execute(args);
  }

  @Test
  void shouldRefuseANegativeStopWhenIdle() {
    StringWriter err = new StringWriter();
    // a closed port: had the option been accepted, the command would fail on the broker instead
    int code =
        run(new ProcessCommand(), err, "--stop-when-idle", "-1", "--retry-for", "0s",
            "--uri", "rabbitmq-stream://guest:guest@127.0.0.1:1/%2f", "--metrics-port", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--stop-when-idle must be 0 or more seconds, was -1.0");
  }

  @Test
  void shouldRefuseAReplayThatEndsBeforeItStarts() {
    StringWriter err = new StringWriter();
    int code =
        run(new ReplayCommand(), err, "--from", "offset:100", "--to", "offset:10",
            "--uri", "rabbitmq-stream://guest:guest@127.0.0.1:1/%2f");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--to offset:10 lies before --from offset:100");
  }

  @Test
  void shouldGiveIngestAndSinkDistinctMetricsPorts() {
    assertThat(IngestCommand.DEFAULT_METRICS_PORT)
        .isNotEqualTo(SinkCommand.DEFAULT_METRICS_PORT)
        .isNotIn(9464, 9465);
  }
}
