package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help renders cleanly. Picocli formats descriptions with {@code String.format}:
 * a bare {@code %} (as in "80 % of the students") makes it print a warning to stderr above the
 * help and show the text unformatted, as {@code coursepulse --help} did for {@code train}.
 */
class UsageHelpTest {

  @Test
  void shouldRenderEveryCommandsHelpWithoutFormatWarnings() {
    List<CommandLine> commands = new ArrayList<>();
    collect(Main.commandLine(), commands);
    assertThat(commands).hasSizeGreaterThan(10);

    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringBuilder help = new StringBuilder();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      for (CommandLine c : commands) {
        help.append(c.getUsageMessage(CommandLine.Help.Ansi.OFF));
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).as("picocli warnings").isEmpty();
    assertThat(help.toString())
        .as("help with format specifiers left unreplaced")
        .doesNotContain("%n")
        .contains("80 % of the students");
  }

  /**
   * A command list (coursepulse --help, import --help ...) shows each command's first header line,
   * else its first description line, which for long descriptions stopped mid-sentence ("scores it
   * per student-course pair, against either").
   */
  @Test
  void shouldSummariseEveryCommandInOneCompleteSentence() {
    List<CommandLine> commands = new ArrayList<>();
    collect(Main.commandLine(), commands);
    for (CommandLine c : commands.subList(1, commands.size())) {
      if (c.getCommandName().equals("help")) {
        continue; // picocli's own
      }
      String[] header = c.getCommandSpec().usageMessage().header();
      assertThat(header).as("header of %s", c.getCommandName()).hasSize(1);
      assertThat(header[0]).as("header of %s", c.getCommandName()).endsWith(".").hasSizeLessThan(100);
    }
    String list = Main.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertThat(list).contains("Scores the alerts against").doesNotContain("against either");
  }

  @Test
  void shouldPrintTheVersionFromEveryCommand() {
    List<CommandLine> commands = new ArrayList<>();
    collect(Main.commandLine(), commands);
    for (CommandLine c : commands) {
      java.io.StringWriter out = new java.io.StringWriter();
      c.setOut(new java.io.PrintWriter(out, true));
      c.printVersionHelp(new java.io.PrintWriter(out, true));
      assertThat(out.toString()).as("-V of %s", c.getCommandName()).startsWith("coursepulse ");
    }
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, out));
  }
}
