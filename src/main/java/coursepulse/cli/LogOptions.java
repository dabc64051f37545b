package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.io.rabbit.RabbitSettings;
import coursepulse.io.rabbit.RabbitStreamLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where the streams live: {@code --broker}, {@code --uri} (or {@code COURSEPULSE_RABBITMQ_URI}),
 * TLS trust and the embedded log's directory. Shared by every command that reads or writes
 * streams.
 */
final class LogOptions {

  /** Which log implementation to use. */
  enum Broker {
    /** RabbitMQ when a URI is configured (option or environment), the embedded log otherwise. */
    AUTO,
    RABBITMQ,
    EMBEDDED
  }

  static final String URI_ENV = "COURSEPULSE_RABBITMQ_URI";

  @Option(
      names = "--broker",
      paramLabel = "KIND",
      description =
          "rabbitmq, embedded, or auto (RabbitMQ when --uri, --uri-file or " + URI_ENV
              + " is set, else the embedded log). Default: rabbitmq. The demo runs on the"
              + " embedded log unless given --broker rabbitmq, even when a URI is set.")
  Broker broker;

  @Option(
      names = "--uri",
      paramLabel = "URI",
      description =
          "RabbitMQ stream URI, rabbitmq-stream://USER:PASSWORD@HOST:5552/VHOST or"
              + " rabbitmq-stream+tls://... (default: " + URI_ENV + ", else "
              + "rabbitmq-stream://guest:***@localhost:5552/%%2f). A cluster: one URI per node,"
              + " comma separated, differing only in host and port. Prefer the environment"
              + " variable or --uri-file for real credentials.")
  String uri;

  @Option(
      names = "--uri-file",
      paramLabel = "FILE",
      description =
          "Read the RabbitMQ URI from a file readable only by its owner (keeps the password out of"
              + " the process list).")
  Path uriFile;

  @Option(
      names = "--tls-trust-store",
      paramLabel = "FILE",
      description = "PKCS12/JKS trust store with the CA of the broker's certificate (TLS only).")
  Path tlsTrustStore;

  @Option(
      names = "--tls-trust-store-password",
      paramLabel = "PASSWORD",
      defaultValue = "${env:COURSEPULSE_TLS_TRUST_STORE_PASSWORD}",
      description = "Password of --tls-trust-store (or COURSEPULSE_TLS_TRUST_STORE_PASSWORD).")
  String tlsTrustStorePassword;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      defaultValue = "${env:COURSEPULSE_HEARTBEAT:-60s}",
      converter = Sizes.DurationConverter.class,
      description =
          "Heartbeat interval of the RabbitMQ connections, whole seconds (default:"
              + " ${DEFAULT-VALUE}, or COURSEPULSE_HEARTBEAT). The broker gives the partitions of an"
              + " instance it has not heard from for about two intervals (vanished host, paused"
              + " process) to the others; lower values move them sooner.")
  java.time.Duration heartbeat;

  @Option(
      names = "--embedded-dir",
      paramLabel = "DIR",
      defaultValue = "${env:COURSEPULSE_EMBEDDED_DIR:-coursepulse-data/log}",
      description =
          "Directory of the embedded log, so produce, process and replay share data across runs"
              + " (default: ${DEFAULT-VALUE}).")
  Path embeddedDir;

  /** The broker this run uses, with {@code commandDefault} applying when none was chosen. */
  Broker resolve(Broker commandDefault) {
    Broker chosen = broker != null ? broker : commandDefault;
    if (chosen != Broker.AUTO) {
      return chosen;
    }
    return configuredUri() != null ? Broker.RABBITMQ : Broker.EMBEDDED;
  }

  /** Opens the log; the caller closes it. */
  StreamLog open(Broker commandDefault) {
    if (resolve(commandDefault) == Broker.EMBEDDED) {
      return EmbeddedStreamLog.open(embeddedDir);
    }
    String effective = configuredUri();
    RabbitSettings.Builder settings =
        RabbitSettings.builder(effective == null ? RabbitSettings.DEFAULT_URI : effective);
    return RabbitStreamLog.connect(withOptions(settings).build());
  }

  private RabbitSettings.Builder withOptions(RabbitSettings.Builder settings) {
    if (tlsTrustStore != null) {
      settings.tlsTrustStore(tlsTrustStore, tlsTrustStorePassword);
    }
    if (heartbeat != null) {
      settings.heartbeat(heartbeat);
    }
    return settings;
  }

  /**
   * Opens the log like {@link #open(Broker)}, but while the broker refuses connections (down, or
   * restarting) keeps trying for {@code retryFor}, with a line on {@code err} per attempt; other
   * failures (credentials, TLS, unknown host) fail at once, since waiting cannot fix them.
   */
  StreamLog open(Broker commandDefault, java.time.Duration retryFor, java.io.PrintWriter err)
      throws InterruptedException {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoffMs = 250;
    while (true) {
      try {
        return open(commandDefault);
      } catch (coursepulse.engine.log.LogUnavailableException e) {
        if (!refusedConnection(e) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        err.println(Secrets.mask(e.getMessage()) + "; retrying in " + backoffMs + " ms (--retry-for "
            + retryFor + ")");
        err.flush();
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  private static boolean refusedConnection(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** The RabbitMQ URI this run uses: the configured one, else the default. */
  String effectiveUri() {
    String configured = configuredUri();
    return configured == null ? RabbitSettings.DEFAULT_URI : configured;
  }

  /** Opens RabbitMQ at {@code uri} with this run's TLS settings; the caller closes it. */
  RabbitStreamLog openRabbit(String uri) {
    return RabbitStreamLog.connect(withOptions(RabbitSettings.builder(uri)).build());
  }

  private String configuredUri() {
    if (uri != null && !uri.isBlank()) {
      return uri.trim();
    }
    if (uriFile != null) {
      return readUriFile(uriFile);
    }
    String env = System.getenv(URI_ENV);
    return env == null || env.isBlank() ? null : env.trim();
  }

  private static String readUriFile(Path file) {
    try {
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
        var perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          throw new IllegalArgumentException(
              "--uri-file " + file + " is readable by others: run 'chmod 600 " + file + "'");
        }
      }
      return Files.readString(file).trim();
    } catch (java.nio.file.FileSystemException e) {
      throw new IllegalArgumentException(
          "cannot read --uri-file " + ErrorHandler.fileProblem(e), e);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read --uri-file " + file + ": " + e.getMessage(), e);
    }
  }
}
