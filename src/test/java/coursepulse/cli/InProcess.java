package coursepulse.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a {@code coursepulse} command in this JVM, as {@link Main} would, with its output captured. */
final class InProcess {
  private InProcess() {}

  /** Runs {@code args}; standard error goes to {@code err}, standard output is discarded. */
  static int run(StringWriter err, String... args) {
    return run(new StringWriter(), err, args);
  }

  /** Runs {@code args} with standard output to {@code out} and standard error to {@code err}. */
  static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }
}
