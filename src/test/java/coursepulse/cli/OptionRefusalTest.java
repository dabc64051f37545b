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
    assertThat(err.toString()).contains("--stop-when-idle must be 0 to 31536000 seconds", "was -1.0");
    StringWriter huge = new StringWriter();
    assertThat(run(new ProcessCommand(), huge, "--stop-when-idle", "1e13", "--retry-for", "0s",
            "--uri", "rabbitmq-stream://guest:guest@127.0.0.1:1/%2f", "--metrics-port", "0"))
        .isEqualTo(2);
    assertThat(huge.toString()).contains("--stop-when-idle must be 0 to 31536000 seconds");
  }

  @Test
  void shouldSayAMissingUriFileIsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    StringWriter err = new StringWriter();
    String missing = dir.resolve("nonexist.txt").toString();
    int code = run(new StreamsCommand(), err, "--uri-file", missing);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("cannot read --uri-file " + missing + ": no such file or directory");
  }

  /** replay --model makes the checks process --model makes, before any broker is used. */
  @Test
  void shouldRefuseAReplayModelNamingFeaturesTheProcessorDoesNotCompute(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String json =
        new String(
            coursepulse.lms.risk.model.ModelFileCodec.write(
                coursepulse.lms.risk.model.RiskModel.builtIn().file()),
            java.nio.charset.StandardCharsets.UTF_8);
    java.nio.file.Path model = dir.resolve("lower.json");
    java.nio.file.Files.writeString(model, json.replace("\"activeDays28Pct\"", "\"activedays28pct\""));
    StringWriter err = new StringWriter();
    assertThat(run(new ReplayCommand(), err, "--model", model.toString(),
            "--uri", "rabbitmq-stream://guest:guest@127.0.0.1:1/%2f"))
        .isNotZero();
    assertThat(err.toString()).contains("names a feature the processor does not compute: activedays28pct");
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
  void shouldNameTheIngestOptionThatIsWrongAndWhatToDo(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path token = dir.resolve("token");
    java.nio.file.Files.writeString(token, "\n");
    java.nio.file.Files.setPosixFilePermissions(
        token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    String closed = "rabbitmq-stream://guest:guest@127.0.0.1:1/%2f";
    StringWriter empty = new StringWriter();
    assertThat(run(new IngestCommand(), empty, "--token-file", token.toString(), "--uri", closed))
        .isNotZero();
    assertThat(empty.toString()).contains("--token-file " + token + " is empty");

    java.nio.file.Files.writeString(token, "secret");
    StringWriter threads = new StringWriter();
    run(new IngestCommand(), threads, "--token-file", token.toString(), "--threads", "0",
        "--uri", closed);
    assertThat(threads.toString()).contains("(--threads) must be at least 1, was 0");
    StringWriter dates = new StringWriter();
    run(new IngestCommand(), dates, "--token-file", token.toString(), "--course-dates",
        dir.resolve("missing.csv").toString(), "--uri", closed);
    assertThat(dates.toString()).contains("--course-dates " + dir.resolve("missing.csv")
        + " cannot be read");
  }

  @Test
  void shouldRefuseReplaysThatWouldTouchTheLiveApplicationOrNameNoFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String closed = "rabbitmq-stream://guest:guest@127.0.0.1:1/%2f";
    StringWriter live = new StringWriter();
    assertThat(run(new ReplayCommand(), live, "-a", "coursepulse", "--uri", closed)).isNotZero();
    assertThat(live.toString()).contains("--application-id coursepulse is the live application's");
    StringWriter risk = new StringWriter();
    assertThat(run(new ReplayCommand(), risk, "--output-stream", "05-Risk", "--uri", closed))
        .isNotZero();
    assertThat(risk.toString()).contains("choose a name of its own");
    StringWriter missing = new StringWriter();
    run(new ReplayCommand(), missing, "--rules", dir.resolve("nope.yaml").toString(),
        "--uri", closed);
    assertThat(missing.toString())
        .contains(dir.resolve("nope.yaml") + ": no such file or directory");
    StringWriter directory = new StringWriter();
    run(new ReplayCommand(), directory, "--rules", dir.toString(), "--uri", closed);
    assertThat(directory.toString()).contains(dir + ": is a directory; give a rules file");
    StringWriter progress = new StringWriter();
    assertThat(run(new ReplayCommand(), progress, "--progress", "foo", "--uri", closed))
        .isEqualTo(2);
    assertThat(progress.toString()).contains("'foo' is not a progress mode: give auto, bar,"
        + " lines or none");
    // a .properties rules file, as process takes it: past the rules, on to the (closed) broker
    java.nio.file.Path props = dir.resolve("strict.properties");
    java.nio.file.Files.writeString(props, "missedDeadlines.consecutive=2\n");
    StringWriter properties = new StringWriter();
    run(new ReplayCommand(), properties, "--rules", props.toString(), "--uri", closed);
    assertThat(properties.toString()).doesNotContain("expected 'key: value'");
  }

  @Test
  void shouldGiveIngestAndSinkDistinctMetricsPorts() {
    assertThat(IngestCommand.DEFAULT_METRICS_PORT)
        .isNotEqualTo(SinkCommand.DEFAULT_METRICS_PORT)
        .isNotIn(9464, 9465);
  }
}
