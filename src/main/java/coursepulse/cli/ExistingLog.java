package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import java.nio.file.Files;

/**
 * Opens the log for a command that acts on what a log already holds ({@code streams}, {@code
 * reset}): opening the embedded log creates its directory, so a mistyped {@code --embedded-dir}
 * would leave an empty log behind and report empty streams instead of the mistake.
 */
final class ExistingLog {
  private ExistingLog() {}

  /**
   * The log {@code options} name, RabbitMQ unless chosen otherwise, as {@link LogOptions#open}
   * opens it; an embedded log only when its directory exists.
   *
   * @param command the command's name, for the message
   * @throws IllegalArgumentException naming the directory when there is no embedded log there
   */
  static StreamLog open(LogOptions options, String command) {
    if (options.resolve(LogOptions.Broker.RABBITMQ) == LogOptions.Broker.EMBEDDED
        && !Files.isDirectory(options.embeddedDir)) {
      throw new IllegalArgumentException(
          "there is no embedded log in " + options.embeddedDir.toAbsolutePath() + ": '" + command
              + "' acts on an existing log and creates none. Check --embedded-dir (or"
              + " COURSEPULSE_EMBEDDED_DIR), or write the log first ('produce' there)");
    }
    return options.open(LogOptions.Broker.RABBITMQ);
  }
}
