package coursepulse.cli;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.lms.web.Privacy;
import coursepulse.lms.web.WebDatabase;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code coursepulse privacy}: personal data requests. */
@Command(
    name = "privacy",
    header = "Answers personal data requests on the sink's database.",
    mixinStandardHelpOptions = true,
    description = "Personal data requests on the sink's database.",
    subcommands = {PrivacyCommand.Erase.class})
final class PrivacyCommand {

  /** {@code coursepulse privacy erase --student ID}. */
  @Command(
      name = "erase",
      header = "Removes a student's name, email and notes about them.",
      mixinStandardHelpOptions = true,
      description = {
        "Removes a student's name and email from the roster and blanks the notes instructors"
            + " wrote about them. Ids, alerts and activity counts stay (pseudonymous). The"
            + " append-only streams keep the original events until their retention removes them"
            + " (see docs/web.md); a replay into an empty database would bring the names back.",
        ""
      })
  static final class Erase implements Callable<Integer> {
    @Mixin DatabaseOptions db;

    @Option(names = "--student", required = true, paramLabel = "ID",
        description = "The student's LMS id.")
    String student;

    @Override
    public Integer call() throws Exception {
      try (HikariDataSource ds = WebDatabase.open(db.url(), db.user, db.password())) {
        Privacy.Erased e = new Privacy(ds).erase(student);
        System.out.println("erased: " + e.rosterRows() + " roster row(s), "
            + e.triageEntries() + " triage note(s)");
      }
      return 0;
    }
  }
}
