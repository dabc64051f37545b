package coursepulse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code coursepulse} command line: one subcommand per job. */
@Command(
    name = "coursepulse",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Early alerts for students falling behind, from LMS activity on RabbitMQ Streams.",
    subcommands = {
      CommandLine.HelpCommand.class,
      StreamsCommand.class,
      BenchCommand.class,
      ProduceCommand.class,
      ProcessCommand.class,
      EvaluateCommand.class,
      DemoCommand.class,
      SinkCommand.class,
      IngestCommand.class,
      ImportCommand.class,
      ReplayCommand.class,
      ResetCommand.class,
      TrainCommand.class,
      WebCommand.class,
      UsersCommand.class,
      PrivacyCommand.class,
      NotifyCommand.class,
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command line as {@link #run} parses it (case-insensitive values, our error handler). */
  static CommandLine commandLine() {
    CommandLine cl =
        new CommandLine(new Main())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(new ErrorHandler());
    giveVersion(cl);
    return cl;
  }

  /** Every command's -V prints the version: picocli does not hand the provider to subcommands. */
  private static void giveVersion(CommandLine cl) {
    cl.getCommandSpec().versionProvider(new Version());
    cl.getSubcommands().values().stream().distinct().forEach(Main::giveVersion);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"coursepulse " + (v == null ? "dev" : v)};
    }
  }
}
