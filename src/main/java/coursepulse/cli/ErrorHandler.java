package coursepulse.cli;

import coursepulse.engine.StateOfAnotherLogException;
import coursepulse.engine.log.LogException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line on stderr and a non-zero exit code; the stack trace only with
 * {@code --verbose}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

  static final int EXIT_LOG_ERROR = 2;
  static final int EXIT_FAILURE = 1;

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    boolean verbose = verbose(parseResult);
    String message = ex instanceof java.nio.file.FileSystemException file
        ? fileProblem(file)
        : ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    if (ex instanceof StateOfAnotherLogException other) {
      message += " " + stateOfAnotherLogHint(other, commandLine);
    }
    commandLine.getErr().println("coursepulse: " + Secrets.mask(message));
    if (verbose) {
      ex.printStackTrace(commandLine.getErr());
    }
    return ex instanceof LogException ? EXIT_LOG_ERROR : EXIT_FAILURE;
  }

  /**
   * What to do about a state directory bound to another log, in the words of the command that
   * met it: a command with {@code --state-dir} can be given another one; the demo keeps its state
   * in a fixed place.
   */
  private static String stateOfAnotherLogHint(
      StateOfAnotherLogException ex, CommandLine commandLine) {
    String command = commandLine.getCommandName();
    if (commandLine.getCommandSpec().findOption("--state-dir") == null) {
      return "With coursepulse " + command + ": delete " + ex.stateDir()
          + " to start over on this log, or run it on the log that state belongs to.";
    }
    return "With coursepulse: '" + command + " --state-dir DIR' gives this log a state directory"
        + " of its own; 'coursepulse reset --application-id " + ex.stateDir().getFileName()
        + " --to first' with this log's options starts the application over on it.";
  }

  /**
   * A file problem in words: the JDK's message of a missing file is its path alone ("coursepulse:
   * rules.yaml"), and of a directory where a file was wanted just "Is a directory".
   */
  static String fileProblem(java.nio.file.FileSystemException e) {
    String path = e.getFile() == null ? "a file" : e.getFile();
    if (e instanceof java.nio.file.NoSuchFileException) {
      return path + ": no such file or directory; check the path";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return path + ": permission denied";
    }
    String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
    return path + ": " + reason;
  }

  /** {@code --verbose} on the command or any subcommand ({@code import oulad --verbose}). */
  private static boolean verbose(CommandLine.ParseResult result) {
    return result.hasMatchedOption("--verbose")
        || result.subcommands().stream().anyMatch(ErrorHandler::verbose);
  }
}
