package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.Retention;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streams --create --partitions N} on the RabbitMQ 4 node: super streams of N partitions. */
@ExtendWith(RabbitMq4Extension.class)
class SuperStreamsCommand4IT {

  static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl =
        new CommandLine(new StreamsCommand())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(new ErrorHandler());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void shouldDeclareInputsAsSuperStreamsAndListTheirPartitions(RabbitVhost vhost) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = run(out, err, "--uri", vhost.uri(), "--create", "--partitions", "3");

    assertThat(code).as("stderr: %s", err).isZero();
    try (RabbitStreamLog log = vhost.openLog()) {
      for (String input : List.of(StreamNames.ENROLLMENT, StreamNames.LOGIN, StreamNames.ACTIVITY)) {
        assertThat(log.superStreamPartitions(input))
            .containsExactly(input + "-0", input + "-1", input + "-2");
        assertThat(log.streamExists(input + "-2")).isTrue();
        assertThat(log.streamExists(input)).as("no plain stream named like the super stream").isFalse();
      }
      assertThat(log.superStreamPartitions(StreamNames.ALERTS)).isEmpty();
      assertThat(log.streamExists(StreamNames.ALERTS)).isTrue();
    }
    assertThat(out.toString())
        .contains("02-Login               (super stream, 3 partitions)")
        .containsPattern("(?m)^  02-Login-2 +- +- +0  -$")
        .doesNotContain("missing");
  }

  @Test
  void shouldKeepAnExistingSuperStreamWhenDeclaredAgain(RabbitVhost vhost) {
    try (RabbitStreamLog log = vhost.openLog()) {
      String name = RabbitVhost.uniqueStream("again");
      log.createSuperStream(name, 2, Retention.unlimited());

      log.createSuperStream(name, 4, Retention.unlimited());

      assertThat(log.superStreamPartitions(name)).containsExactly(name + "-0", name + "-1");
      log.deleteSuperStream(name);
      assertThat(log.superStreamPartitions(name)).isEmpty();
      assertThat(log.streamExists(name + "-0")).isFalse();
    }
  }

  @Test
  void shouldRefuseSuperStreamsWhereAPlainStreamHasTheName(RabbitVhost vhost) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (RabbitStreamLog log = vhost.openLog()) {
      log.createStream(StreamNames.LOGIN, Retention.unlimited());
    }

    int code = run(out, err, "--uri", vhost.uri(), "--create", "--partitions", "2");

    assertThat(code).isEqualTo(ErrorHandler.EXIT_LOG_ERROR);
    assertThat(err.toString().strip().lines()).singleElement().asString()
        .contains("'02-Login' exists as a plain stream");
  }

  @Test
  void shouldRefuseToReplayOrResetAnApplicationOverSuperStreams(@TempDir Path state)
      throws Exception {
    // a host of its own: another test here leaves a plain stream under an input's name
    RabbitVhost vhost = RabbitMq4Extension.createVhostOn4("SuperStreamsRefusal");
    try {
      refuseReplayAndReset(vhost, state);
    } finally {
      RabbitMq4Extension.deleteVhostOn4(vhost);
    }
  }

  private static void refuseReplayAndReset(RabbitVhost vhost, Path state) {
    assertThat(run(new StringWriter(), new StringWriter(), "--uri", vhost.uri(), "--create", "--partitions", "3"))
        .isZero();
    for (Object command : List.of(new ReplayCommand(), new ResetCommand())) {
      StringWriter err = new StringWriter();
      CommandLine cl =
          new CommandLine(command).setExecutionExceptionHandler(new ErrorHandler());
      cl.setOut(new PrintWriter(new StringWriter(), true));
      cl.setErr(new PrintWriter(err, true));
      int code =
          command instanceof ResetCommand
              ? cl.execute("--uri", vhost.uri(), "--application-id", "coursepulse", "--to", "first",
                  "--state-dir", state.toString())
              : cl.execute("--uri", vhost.uri(), "--state-dir", state.toString());
      assertThat(code).as("%s: %s", command.getClass().getSimpleName(), err).isEqualTo(2);
      assertThat(err.toString()).contains("is a super stream").contains("not supported yet");
    }
  }
}
