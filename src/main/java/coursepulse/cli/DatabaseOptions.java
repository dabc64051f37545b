package coursepulse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --jdbc-url}, {@code --db-user}, {@code --db-password-file}: the sink's database. */
final class DatabaseOptions {

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      defaultValue = "${env:COURSEPULSE_JDBC_URL}",
      description =
          "jdbc:postgresql://HOST:PORT/DATABASE, the database 'coursepulse sink' fills (default:"
              + " COURSEPULSE_JDBC_URL). Keep passwords out of it: use --db-password-file or"
              + " PGPASSWORD.")
  String jdbcUrl;

  @Option(
      names = "--db-user",
      paramLabel = "USER",
      defaultValue = "${env:PGUSER}",
      description = "Database user (default: PGUSER).")
  String user;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description =
          "File holding the database password, readable only by its owner (default: the"
              + " PGPASSWORD environment variable).")
  Path passwordFile;

  /** The URL, or a clear error when none was given. */
  String url() {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException(
          "--jdbc-url (or COURSEPULSE_JDBC_URL) is required: the PostgreSQL database the sink"
              + " fills, e.g. jdbc:postgresql://localhost:5432/coursepulse");
    }
    return jdbcUrl.trim();
  }

  /** The password from the file (owner-only) or PGPASSWORD; null when neither. */
  String password() throws IOException {
    return readPassword(passwordFile, "--db-password-file", "PGPASSWORD");
  }

  /** A secret from {@code file} (refused when others may read it) or the environment. */
  static String readPassword(Path file, String option, String env) throws IOException {
    if (file != null) {
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
        var perms = Files.getPosixFilePermissions(file);
        if (perms.stream()
            .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          throw new IllegalArgumentException(
              option + " " + file + " is readable by others: run 'chmod 600 " + file + "'");
        }
      }
      return Files.readString(file).strip();
    }
    String value = System.getenv(env);
    return value == null || value.isEmpty() ? null : value;
  }
}
