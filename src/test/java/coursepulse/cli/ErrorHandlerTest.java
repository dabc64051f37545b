package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.StateOfAnotherLogException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The hint for a state directory bound to another log names what the failing command can do:
 * {@code --state-dir} where it has one, and where it has none (the demo) the directory to delete.
 */
class ErrorHandlerTest {

  private static final Path STATE = Path.of("coursepulse-data", "demo-state");

  @Command(name = "with-state-dir")
  static final class WithStateDir implements Callable<Integer> {
    @Option(names = "--state-dir")
    Path stateDir;

    @Override
    public Integer call() {
      throw new StateOfAnotherLogException("checkpointed from another log.", STATE);
    }
  }

  @Command(name = "demo")
  static final class WithoutStateDir implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new StateOfAnotherLogException("checkpointed from another log.", STATE);
    }
  }

  private static String run(Object command) {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(command)
            .setErr(new PrintWriter(err, true))
            .setExecutionExceptionHandler(new ErrorHandler())
            .execute();
    assertThat(code).isEqualTo(ErrorHandler.EXIT_FAILURE);
    return err.toString();
  }

  @Test
  void shouldNameTheCommandsOwnStateDirOption() {
    assertThat(run(new WithStateDir()))
        .contains("'with-state-dir --state-dir DIR'")
        .contains("'coursepulse reset --application-id demo-state --to first'");
  }

  @Test
  void shouldNameTheDirectoryToDeleteForACommandWithoutOne() {
    assertThat(run(new WithoutStateDir()))
        .contains("With coursepulse demo: delete " + STATE)
        .doesNotContain("--state-dir");
  }
}
