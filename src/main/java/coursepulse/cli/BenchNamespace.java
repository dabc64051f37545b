package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.io.rabbit.RabbitStreamLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private place for one {@code bench} phase, deleted on close: a fresh directory with an
 * embedded log in it, or on RabbitMQ a fresh virtual host ({@link BenchVhost}) plus a directory for
 * the engine's state. The application reads fixed stream names, so each phase needs its own.
 */
final class BenchNamespace implements AutoCloseable {

  /** Opens the namespace of one phase; the run's broker settings are already bound. */
  interface Opener {
    BenchNamespace open(LogOptions.Broker broker, String phase) throws IOException;
  }

  private final StreamLog log;
  private final Path root;
  private final BenchVhost vhost;

  private BenchNamespace(StreamLog log, Path root, BenchVhost vhost) {
    this.log = log;
    this.root = root;
    this.vhost = vhost;
  }

  /**
   * Opens a namespace named after {@code phase} (and {@code runId} on RabbitMQ, so that runs
   * sharing a broker do not meet).
   *
   * @param log the command's broker options
   * @param managementUrl the RabbitMQ management API, or {@code null} for the stream host's default
   * @param report where to note the virtual host
   */
  static BenchNamespace open(
      LogOptions.Broker broker, String phase, LogOptions log, String managementUrl, String runId,
      BenchReport report) throws IOException {
    Path root = Files.createTempDirectory("coursepulse-bench-" + phase + "-");
    if (broker == LogOptions.Broker.EMBEDDED) {
      return new BenchNamespace(EmbeddedStreamLog.open(root.resolve("log")), root, null);
    }
    BenchVhost vhost;
    RabbitStreamLog rabbit;
    try {
      vhost = BenchVhost.create(log.effectiveUri(), managementUrl, "cp-bench-" + runId + "-" + phase);
    } catch (RuntimeException e) {
      deleteTree(root);
      throw e;
    }
    try {
      rabbit = log.openRabbit(vhost.uri());
    } catch (RuntimeException e) {
      vhost.close();
      deleteTree(root);
      throw e;
    }
    report.progress("%s: virtual host %s on %s", phase, vhost.name(), rabbit.describe());
    return new BenchNamespace(rabbit, root, vhost);
  }

  StreamLog log() {
    return log;
  }

  /** Where the phase's engines keep their state (not created yet). */
  Path stateDir() {
    return root.resolve("state");
  }

  @Override
  public void close() throws IOException {
    try {
      log.close();
    } finally {
      if (vhost != null) {
        vhost.close();
      }
      deleteTree(root);
    }
  }

  /** Deletes {@code root} and everything below it; nothing when it does not exist. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
