package coursepulse.io.rabbit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Immutable connection and tuning settings for {@link RabbitStreamLog}.
 *
 * <pre>{@code
 * RabbitSettings settings = RabbitSettings.builder("rabbitmq-stream+tls://app:secret@mq:5551/lms")
 *     .tlsTrustStore(Path.of("ca.p12"), "changeit")
 *     .build();
 * try (RabbitStreamLog log = RabbitStreamLog.connect(settings)) { ... }
 * }</pre>
 *
 * <p>URI forms: {@code rabbitmq-stream://user:password@host:port/vhost} (plain, default port 5552)
 * and {@code rabbitmq-stream+tls://...} (TLS, default port 5551). The virtual host is URL-encoded
 * ({@code %2f} is the default virtual host {@code /}); an empty path also means {@code /}. User and
 * password are URL-decoded. {@link #toString()} never shows the password.
 *
 * <p>Cluster: several URIs separated by commas, one per node, differing only in host and port
 * ({@code rabbitmq-stream://app:secret@mq1:5552/lms,rabbitmq-stream://app:secret@mq2:5552/lms}).
 * The client then survives the loss of any of them; see {@link RabbitStreamLog} for how it reaches
 * stream leaders and replicas.
 *
 * <p>TLS trust, in order of precedence: {@link Builder#tlsTrustEverything(boolean)} (tests only:
 * no certificate check at all), {@link Builder#tlsTrustStore(Path, String)} (a PKCS12 or JKS file
 * holding the CA certificates to trust), otherwise the JVM's default trust store ({@code
 * javax.net.ssl.trustStore} and the JDK's {@code cacerts}). The server host name is verified
 * against its certificate unless trust-everything is set.
 */
public final class RabbitSettings {

  /** The URI used when none is given: the local broker with the default credentials. */
  public static final String DEFAULT_URI = "rabbitmq-stream://guest:guest@localhost:5552/%2f";

  private final List<RabbitUri> uris;
  private final Path tlsTrustStore;
  private final String tlsTrustStorePassword;
  private final boolean tlsTrustEverything;
  private final Duration rpcTimeout;
  private final int batchSize;
  private final Duration batchPublishingDelay;
  private final boolean dynamicBatch;
  private final int maxUnconfirmedMessages;
  private final Duration enqueueTimeout;
  private final int readerInitialCredits;
  private final Duration statsProbeTimeout;
  private final Duration disruptionSettle;
  private final Duration disruptionSettleMax;
  private final Duration heartbeat;

  private RabbitSettings(Builder b) {
    this.uris = RabbitUri.parseAll(b.uri);
    this.tlsTrustStore = b.tlsTrustStore;
    this.tlsTrustStorePassword = b.tlsTrustStorePassword;
    this.tlsTrustEverything = b.tlsTrustEverything;
    this.rpcTimeout = b.rpcTimeout;
    this.batchSize = b.batchSize;
    this.batchPublishingDelay = b.batchPublishingDelay;
    this.dynamicBatch = b.dynamicBatch;
    this.maxUnconfirmedMessages = b.maxUnconfirmedMessages;
    this.enqueueTimeout = b.enqueueTimeout;
    this.readerInitialCredits = b.readerInitialCredits;
    this.statsProbeTimeout = b.statsProbeTimeout;
    this.disruptionSettle = b.disruptionSettle;
    this.disruptionSettleMax =
        b.disruptionSettleMax.compareTo(b.disruptionSettle) < 0
            ? b.disruptionSettle
            : b.disruptionSettleMax;
    this.heartbeat = b.heartbeat;
  }

  /**
   * Settings with every default for {@code uri}.
   *
   * @throws IllegalArgumentException when the URI is malformed (the message hides the password)
   */
  public static RabbitSettings of(String uri) {
    return builder(uri).build();
  }

  /** A builder starting from {@code uri}; see the class documentation for the accepted forms. */
  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  /**
   * The URI without its password, e.g. {@code rabbitmq-stream://guest@localhost:5552/%2f}; for a
   * cluster every node's, comma separated.
   */
  public String redactedUri() {
    return uris.stream().map(RabbitUri::redacted).collect(Collectors.joining(","));
  }

  /** The first node's URI (the only one unless the settings name a cluster). */
  RabbitUri uri() {
    return uris.get(0);
  }

  /** Every node's URI, in the order given; one element unless the settings name a cluster. */
  List<RabbitUri> uris() {
    return uris;
  }

  Path tlsTrustStore() {
    return tlsTrustStore;
  }

  String tlsTrustStorePassword() {
    return tlsTrustStorePassword;
  }

  boolean tlsTrustEverything() {
    return tlsTrustEverything;
  }

  Duration rpcTimeout() {
    return rpcTimeout;
  }

  int batchSize() {
    return batchSize;
  }

  Duration batchPublishingDelay() {
    return batchPublishingDelay;
  }

  boolean dynamicBatch() {
    return dynamicBatch;
  }

  int maxUnconfirmedMessages() {
    return maxUnconfirmedMessages;
  }

  Duration enqueueTimeout() {
    return enqueueTimeout;
  }

  int readerInitialCredits() {
    return readerInitialCredits;
  }

  Duration statsProbeTimeout() {
    return statsProbeTimeout;
  }

  Duration disruptionSettle() {
    return disruptionSettle;
  }

  Duration disruptionSettleMax() {
    return disruptionSettleMax;
  }

  /** The heartbeat interval every connection asks the broker for. */
  public Duration heartbeat() {
    return heartbeat;
  }

  @Override
  public String toString() {
    return "RabbitSettings{" + redactedUri() + "}";
  }

  /** Builds {@link RabbitSettings}; every setter documents its default. */
  public static final class Builder {
    private final String uri;
    private Path tlsTrustStore;
    private String tlsTrustStorePassword;
    private boolean tlsTrustEverything;
    private Duration rpcTimeout = Duration.ofSeconds(10);
    private int batchSize = 500;
    private Duration batchPublishingDelay = Duration.ofMillis(10);
    private boolean dynamicBatch;
    private int maxUnconfirmedMessages = 20_000;
    private Duration enqueueTimeout = Duration.ofSeconds(30);
    private int readerInitialCredits = 4;
    private Duration statsProbeTimeout = Duration.ofSeconds(1);
    private Duration disruptionSettle = Duration.ofSeconds(5);
    private Duration disruptionSettleMax = Duration.ofSeconds(30);
    private Duration heartbeat = Duration.ofSeconds(60);

    private Builder(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /**
     * A PKCS12 or JKS trust store with the CA certificates to trust for {@code +tls} URIs.
     * Default: the JVM's default trust store.
     */
    public Builder tlsTrustStore(Path path, String password) {
      this.tlsTrustStore = path;
      this.tlsTrustStorePassword = password;
      return this;
    }

    /**
     * Accepts any server certificate and skips host name verification. For tests against
     * self-signed brokers only. Default: {@code false}.
     */
    public Builder tlsTrustEverything(boolean trustEverything) {
      this.tlsTrustEverything = trustEverything;
      return this;
    }

    /** Timeout of each request/response exchange with the broker. Default: 10 s. */
    public Builder rpcTimeout(Duration timeout) {
      this.rpcTimeout = positive(timeout, "rpcTimeout");
      return this;
    }

    /**
     * Most messages a writer puts in one publish frame. Larger batches mean fewer frames and
     * higher throughput; a full batch is sent at once, a partial one after {@link
     * #batchPublishingDelay} (or as soon as the connection is free, with {@link #dynamicBatch}).
     * Default: 500.
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = atLeastOne(batchSize, "batchSize");
      return this;
    }

    /**
     * Longest a message waits for its batch to fill; only used when {@link #dynamicBatch} is off.
     * Default: 10 ms.
     */
    public Builder batchPublishingDelay(Duration delay) {
      this.batchPublishingDelay = Objects.requireNonNull(delay, "batchPublishingDelay");
      return this;
    }

    /**
     * Whether a writer sends a partial batch as soon as its connection is free (the stream
     * client's dynamic batching, its default in 1.x) instead of waiting up to {@link
     * #batchPublishingDelay}. Off by default: at a steady 10,000 events/s it sent batches of a few
     * messages, each became a chunk of its own, and the broker delivered those chunks to readers
     * 0.2 to 0.5 s late at the median (RabbitMQ 3.10 and 4.0.5 on a loaded 2-core machine),
     * against 14 to 38 ms with 10 ms batches (docs/performance.md, issue 19). Default: {@code
     * false}.
     */
    public Builder dynamicBatch(boolean dynamic) {
      this.dynamicBatch = dynamic;
      return this;
    }

    /**
     * Most messages a writer keeps sent but not yet confirmed; {@code append} blocks beyond it, so
     * a slow broker slows the writer instead of filling the heap. Default: 20,000.
     */
    public Builder maxUnconfirmedMessages(int max) {
      this.maxUnconfirmedMessages = atLeastOne(max, "maxUnconfirmedMessages");
      return this;
    }

    /**
     * Longest {@code append} blocks waiting for room among the unconfirmed messages before the
     * writer fails. Default: 30 s.
     */
    public Builder enqueueTimeout(Duration timeout) {
      this.enqueueTimeout = positive(timeout, "enqueueTimeout");
      return this;
    }

    /**
     * Chunks a reader asks the broker for before its caller has taken any message. A reader holds
     * at most about this many chunks plus one in memory (a chunk is one batch written by the
     * broker, usually a few hundred to a few thousand messages). Default: 4.
     */
    public Builder readerInitialCredits(int credits) {
      this.readerInitialCredits = atLeastOne(credits, "readerInitialCredits");
      return this;
    }

    /**
     * On RabbitMQ 3.10, which cannot report stream offsets, how long {@code stats} waits for the
     * first chunk of a stream before calling it empty (an existing chunk arrives within
     * milliseconds; only an empty stream costs the whole wait). Default: 1 s.
     */
    public Builder statsProbeTimeout(Duration timeout) {
      this.statsProbeTimeout = positive(timeout, "statsProbeTimeout");
      return this;
    }

    /**
     * How long after a connection of this log was lost (a subscription or a producer recovering:
     * a broker restart, a cluster node lost, a stream leader moved) no reader counts as caught up
     * by what it received alone. The member a subscription lands on then may be a replica still
     * catching up with a newly elected leader, quiet while the log has more: read as caught up,
     * the other inputs ran ahead of it and the alerts diverged (ClusterFailoverIT, docs/
     * reliability.md). Processing of records that wait for such an input pauses this long after
     * the last loss or recovery, and after that until the reader has received a message written
     * since (see {@link #disruptionSettleMax}). Default: 5 s.
     */
    public Builder disruptionSettle(Duration settle) {
      if (settle.isNegative()) {
        throw new IllegalArgumentException("disruptionSettle must not be negative, was " + settle);
      }
      this.disruptionSettle = settle;
      return this;
    }

    /**
     * How long at most, after a connection of this log was lost or regained, a reader that has
     * received nothing written since then stays behind. A reader whose member is a replica still
     * catching up receives no fresh chunk until that member follows the new leader, which took
     * longer than {@link #disruptionSettle} in a CI run (docs/reliability.md); a stream that
     * simply has nothing new holds the records of the other inputs back this long once after each
     * disruption. A value below {@code disruptionSettle} counts as {@code disruptionSettle}.
     * Default: 30 s.
     */
    public Builder disruptionSettleMax(Duration max) {
      if (max.isNegative()) {
        throw new IllegalArgumentException("disruptionSettleMax must not be negative, was " + max);
      }
      this.disruptionSettleMax = max;
      return this;
    }

    /**
     * The heartbeat interval each connection asks for (whole seconds, at least 1; default 60 s,
     * the client's). The broker closes a connection it heard nothing from for about two intervals
     * and only then gives a silent member's partitions to another instance: a host that vanished,
     * or a process paused (SIGSTOP, a very long GC pause), keeps its partitions that long. Lower
     * values move them sooner at the cost of a frame per interval and connection.
     */
    public Builder heartbeat(Duration interval) {
      positive(interval, "heartbeat");
      if (interval.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("heartbeat must be whole seconds, was " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException when the URI is malformed
     */
    public RabbitSettings build() {
      return new RabbitSettings(this);
    }

    private static int atLeastOne(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
