package coursepulse.cli;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.lms.notify.EmailPreferences;
import coursepulse.lms.web.Accounts;
import coursepulse.lms.web.WebDatabase;
import java.io.Console;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code coursepulse users}: accounts of the instructors' pages. */
@Command(
    name = "users",
    header = "Manages the accounts of the instructors' pages.",
    mixinStandardHelpOptions = true,
    description = "Accounts of the instructors' pages ('coursepulse web').",
    subcommands = {UsersCommand.Add.class, UsersCommand.Email.class})
final class UsersCommand {

  /** {@code coursepulse users add}. */
  @Command(
      name = "add",
      header = "Creates or updates an account of the instructors' pages.",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Creates an account, or updates it when the login exists (e.g. one made from a teacher"
            + " enrolment, which has no password yet): sets the password (bcrypt), role, time"
            + " zone and adds the courses.",
        ""
      })
  static final class Add implements Callable<Integer> {
    @Mixin DatabaseOptions db;

    @Option(names = "--login", required = true, paramLabel = "LOGIN", description = "Login name.")
    String login;

    @Option(names = "--name", paramLabel = "NAME", description = "Name shown on the pages.")
    String name;

    @Option(names = "--email", paramLabel = "ADDRESS", description = "Where alert emails go.")
    String email;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        defaultValue = "instructor",
        description = "instructor (sees the courses given) or admin (sees all); default"
            + " ${DEFAULT-VALUE}.")
    String role;

    @Option(
        names = "--course",
        paramLabel = "COURSE",
        description = "A course the instructor teaches (repeatable).")
    List<String> courses = List.of();

    @Option(
        names = "--time-zone",
        paramLabel = "ZONE",
        defaultValue = "UTC",
        description = "IANA time zone for dates and the daily digest (default: ${DEFAULT-VALUE}).")
    String timeZone;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "File holding the password, readable only by its owner (default: the"
            + " COURSEPULSE_USER_PASSWORD environment variable, else asked on the terminal).")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
      String password = DatabaseOptions.readPassword(passwordFile, "--password-file",
          "COURSEPULSE_USER_PASSWORD");
      char[] secret;
      if (password != null) {
        secret = password.toCharArray();
      } else {
        Console console = System.console();
        if (console == null) {
          throw new IllegalArgumentException("no password: give --password-file FILE or set"
              + " COURSEPULSE_USER_PASSWORD (no terminal to ask on)");
        }
        secret = console.readPassword("password for %s: ", login);
      }
      try (HikariDataSource ds = WebDatabase.open(db.url(), db.user, db.password())) {
        long id = new Accounts(ds).addOrUpdate(login, name, email, secret, role, timeZone,
            courses);
        System.out.println("account " + login + " (id " + id + ", " + role + ") saved"
            + (courses.isEmpty() ? "" : ", courses " + String.join(", ", courses)));
      }
      return 0;
    }
  }

  /** {@code coursepulse users email}. */
  @Command(
      name = "email",
      header = "Turns an account's emails from 'coursepulse notify' on or off.",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Turns an account's emails from 'coursepulse notify' on or off (the unsubscribe links"
            + " in the emails turn them off).",
        ""
      })
  static final class Email implements Callable<Integer> {
    @Mixin DatabaseOptions db;

    @Option(names = "--login", required = true, paramLabel = "LOGIN", description = "Login name.")
    String login;

    @Option(names = "--immediate", paramLabel = "on|off", arity = "1",
        converter = OnOff.class,
        description = "An email for each new high-severity alert of the account's courses.")
    Boolean immediate;

    @Option(names = "--digest", paramLabel = "on|off", arity = "1", converter = OnOff.class,
        description = "The daily digest (new, resolved, snoozed until today).")
    Boolean digest;

    @Override
    public Integer call() throws Exception {
      if (immediate == null && digest == null) {
        throw new IllegalArgumentException("say what to change: --immediate on|off and/or"
            + " --digest on|off");
      }
      try (HikariDataSource ds = WebDatabase.open(db.url(), db.user, db.password())) {
        EmailPreferences.set(ds, login, immediate, digest);
      }
      System.out.println("email settings of " + login + " saved");
      return 0;
    }
  }

  /** {@code on}/{@code off}, as users type them. */
  static final class OnOff implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "on", "true", "yes" -> true;
        case "off", "false", "no" -> false;
        default -> throw new TypeConversionException(
            "'" + value + "' is not on or off");
      };
    }
  }
}
