package coursepulse.io.rabbit;

import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.Producer;
import com.rabbitmq.stream.ProducerBuilder;
import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.KeyRouting;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogUnavailableException;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.PartitionListener;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import coursepulse.engine.log.UnsupportedByLogException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StreamLog} on RabbitMQ Streams (the {@code rabbitmq_stream} plugin, RabbitMQ 3.10 or
 * newer), over {@code com.rabbitmq:stream-client}.
 *
 * <pre>{@code
 * try (RabbitStreamLog log =
 *     RabbitStreamLog.connect(RabbitSettings.of("rabbitmq-stream://guest:guest@localhost:5552/%2f"))) {
 *   log.createStream("02-Login", Retention.unlimited());
 *   try (LogWriter writer = log.writer("02-Login", "simulator")) {
 *     writer.append(writer.lastPublishingId() + 1, body);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Connections.</b> One stream-client {@code Environment} (producers, consumers, stream
 * management, stored offsets), one for offset probes (see {@code RabbitOffsetProbe}) and, for
 * groups, one for leases, all built by {@code RabbitEnvironments} and used only through the
 * client's public API (not its {@code impl} package, which may change in any release). With one URI
 * every connection goes to the URI's host and port whatever host the broker advertises, so a
 * single node behind a NAT, in a container or under a host name the client cannot resolve just
 * works. With several URIs (the nodes of a cluster, see {@link RabbitSettings}) the environment
 * keeps a locator connection to each of the first three, and producers and consumers connect to
 * the host and port each node advertises ({@code stream.advertised_host} and {@code
 * stream.advertised_port}), which must be reachable from the client: a producer must reach its
 * stream's leader, and after a node is lost the client finds the new leader through a surviving
 * locator.
 *
 * <p><b>Broker versions.</b> The broker version is read at {@link #connect} from the environment's
 * first connection (see {@code BrokerVersionSniffer}). RabbitMQ 3.10 lacks the stream statistics
 * command: {@link #stats} then attaches two short-lived consumers (from {@code first} and from
 * {@code last}, see {@code RabbitOffsetProbe}) and reads the id and record count of the one chunk
 * each is sent, which gives exact first and last offsets; a stream with no chunk after {@link
 * RabbitSettings.Builder#statsProbeTimeout} is reported empty. On 3.11 or newer it uses the
 * statistics command for the first offset and, where the broker does not report the committed
 * offset (Debian's 4.0.5 does not), the same probe from {@code last} for the exact last one
 * ({@code RabbitStreamEnds}). Streams and super streams are declared by {@code RabbitStreamAdmin}.
 * Stored offsets go through short-lived named consumers ({@code RabbitStoredOffsets}), a super
 * stream's partitions through a super stream producer's routing metadata. Features that need a
 * newer broker are listed in {@link Feature}; {@link #requireFeature} fails with a line naming the
 * version needed.
 *
 * <p><b>Partitions and groups.</b> {@link #partitions} are a super stream's partitions; {@link
 * #partitionFor} is the stream clients' default super-stream hash routing ({@link KeyRouting});
 * {@link #joinGroup} is single active consumer on the super stream, used as a lease (see {@code
 * RabbitGroupMembership} for what the broker does when a member leaves or dies). Groups need
 * RabbitMQ 3.11.
 *
 * <p><b>Errors.</b> Failures become {@link LogUnavailableException} (cannot reach the port, bad
 * credentials, missing virtual host), {@link coursepulse.engine.log.StreamNotFoundException} or
 * {@link LogException}, each with one line for the user that never contains the password.
 *
 * <p>Thread-safe. {@link #close()} closes every writer and reader created from this log.
 */
public final class RabbitStreamLog implements StreamLog {

  /** Broker features newer than RabbitMQ 3.10, with the version that brought them. */
  public enum Feature {
    /** First/last offset through the stream statistics command. */
    STREAM_STATS("stream statistics", 3, 11),
    /** Partitioned streams behind one name. */
    SUPER_STREAMS("super streams", 3, 11),
    /** One active consumer among several sharing a name. */
    SINGLE_ACTIVE_CONSUMER("single active consumer", 3, 11),
    /** Broker-side filtering of chunks by a filter value. */
    FILTERING("stream filtering", 3, 13);

    private final String label;
    private final int major;
    private final int minor;

    Feature(String label, int major, int minor) {
      this.label = label;
      this.major = major;
      this.minor = minor;
    }

    /** The first RabbitMQ version with this feature, e.g. {@code 3.11}. */
    public String since() {
      return major + "." + minor;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(RabbitStreamLog.class);

  private final RabbitSettings settings;
  private final RabbitUri uri;
  private final RabbitEnvironments environments;
  private final BrokerVersion brokerVersion;
  private final Environment environment;
  private final RabbitStreamEnds ends;
  private final RabbitStreamAdmin admin;
  private final RabbitStoredOffsets storedOffsets;
  private final Set<RabbitLogWriter> writers = ConcurrentHashMap.newKeySet();
  private final Set<RabbitLogReader> readers = ConcurrentHashMap.newKeySet();
  private final Set<RabbitGroupMembership> memberships = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  // When a subscription or producer of this log last lost or regained its connection.
  private final DisruptionSettle disruptions;

  private RabbitStreamLog(RabbitSettings settings) {
    this.settings = settings;
    this.uri = settings.uri();
    this.disruptions =
        new DisruptionSettle(settings.disruptionSettle(), settings.disruptionSettleMax());
    this.environments = new RabbitEnvironments(settings);
    AtomicReference<String> version = new AtomicReference<>();
    try {
      this.environment = environments.build("coursepulse", version);
    } catch (RuntimeException e) {
      environments.close();
      throw RabbitErrors.connecting(e, uri);
    }
    if (version.get() == null) {
      environment.close();
      environments.close();
      throw new LogException(
          "cannot read the version of RabbitMQ at " + uri.endpoint()
              + ": its first answer on the stream connection had none");
    }
    this.brokerVersion = BrokerVersion.parse(version.get());
    this.ends =
        new RabbitStreamEnds(
            environment, supports(Feature.STREAM_STATS), this::probeEnvironment,
            settings.statsProbeTimeout());
    this.admin = new RabbitStreamAdmin(environment, supports(Feature.SUPER_STREAMS));
    this.storedOffsets = new RabbitStoredOffsets(environment, settings.rpcTimeout());
    LOG.debug("Connected to RabbitMQ {} at {}", brokerVersion, uri.redacted());
  }

  /**
   * Connects to the broker named by {@code settings}.
   *
   * @throws LogUnavailableException when the broker cannot be reached or refuses the connection;
   *     the message says what to check
   */
  public static RabbitStreamLog connect(RabbitSettings settings) {
    return new RabbitStreamLog(Objects.requireNonNull(settings, "settings"));
  }

  /** Connects with default settings; see {@link RabbitSettings} for the URI forms. */
  public static RabbitStreamLog connect(String uri) {
    return connect(RabbitSettings.of(uri));
  }

  /** The version the broker reported when this log connected. */
  public BrokerVersion brokerVersion() {
    return brokerVersion;
  }

  /** Whether the connected broker has {@code feature}. */
  public boolean supports(Feature feature) {
    return brokerVersion.atLeast(feature.major, feature.minor);
  }

  /**
   * Fails unless the connected broker has {@code feature}.
   *
   * @throws UnsupportedByLogException naming the feature, the version it needs and the version
   *     found
   */
  public void requireFeature(Feature feature) {
    if (!supports(feature)) {
      throw new UnsupportedByLogException(
          "RabbitMQ " + feature.since() + " or newer is needed for " + feature.label
              + "; the broker at " + uri.endpoint() + " runs " + brokerVersion
              + " (the official rabbitmq:4-management image has it)");
    }
  }

  @Override
  public void createStream(String stream, Retention retention) {
    checkOpen();
    admin.create(stream, retention);
  }

  /**
   * Declares a super stream: {@code partitions} streams {@code <superStream>-0} to {@code
   * <superStream>-<partitions-1>} behind a direct exchange named {@code superStream}, each with
   * {@code retention}. A super stream that exists already is left as it is (its partition count is
   * not changed: compare {@link #superStreamPartitions}).
   *
   * @param superStream the super stream's name, e.g. {@code 02-Login}
   * @param partitions number of partitions, at least 1
   * @param retention retention of each partition; {@code null} keeps everything
   * @throws UnsupportedByLogException on RabbitMQ older than {@link Feature#SUPER_STREAMS}'s
   *     version, naming the version needed
   * @throws LogException when the broker refuses the declaration
   */
  public void createSuperStream(String superStream, int partitions, Retention retention) {
    checkOpen();
    Objects.requireNonNull(superStream, "superStream");
    if (partitions < 1) {
      throw new IllegalArgumentException("a super stream needs at least one partition: " + partitions);
    }
    requireFeature(Feature.SUPER_STREAMS);
    admin.createSuper(superStream, partitions, retention);
  }

  /**
   * The partitions of a super stream in routing order ({@code <superStream>-0} first), or an empty
   * list when no super stream has that name (a plain stream of that name is not one). On a broker
   * without super streams the list is always empty.
   */
  public List<String> superStreamPartitions(String superStream) {
    checkOpen();
    return admin.partitionsOf(superStream);
  }

  /**
   * Deletes a super stream with its partitions and their data; does nothing when it does not
   * exist.
   *
   * @throws UnsupportedByLogException on RabbitMQ older than {@link Feature#SUPER_STREAMS}'s
   *     version
   */
  public void deleteSuperStream(String superStream) {
    checkOpen();
    requireFeature(Feature.SUPER_STREAMS);
    admin.deleteSuper(superStream);
  }

  /** {@inheritDoc} Here: the partitions of the super stream {@code stream}. */
  @Override
  public List<String> partitions(String stream) {
    Objects.requireNonNull(stream, "stream");
    return admin.cachedPartitionsOf(stream, this::checkOpen);
  }

  /** {@inheritDoc} Here: the stream clients' default super-stream routing, {@link KeyRouting}. */
  @Override
  public int partitionFor(String key, int partitionCount) {
    return KeyRouting.partition(key, partitionCount);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: a single active consumer named {@code group} on the super stream {@code stream}; the
   * broker gives partition {@code k} to the member {@code k % members} in join order and moves
   * partitions when members join or leave. A member whose process dies loses its partitions as soon
   * as the broker sees its connection close (at once for a killed process on a live host; after
   * the heartbeat timeout for a vanished host).
   *
   * @throws UnsupportedByLogException on RabbitMQ before 3.11
   * @throws StreamNotFoundException when {@code stream} is not a super stream
   */
  @Override
  public GroupMembership joinGroup(String group, String stream, PartitionListener listener) {
    checkOpen();
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(listener, "listener");
    requireFeature(Feature.SINGLE_ACTIVE_CONSUMER);
    List<String> partitions = partitions(stream);
    if (partitions.isEmpty()) {
      throw new StreamNotFoundException(
          stream,
          "'" + stream + "' is not a super stream, so it cannot be spread over a group: create the"
              + " inputs as super streams with 'coursepulse streams --create --partitions N'");
    }
    RabbitGroupMembership membership;
    try {
      membership =
          RabbitGroupMembership.join(
              this, this::groupEnvironment, group, stream, partitions, listener,
              settings.heartbeat());
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "join group '" + group + "' on");
    }
    memberships.add(membership);
    if (closed) {
      membership.close();
      throw new IllegalStateException("this RabbitStreamLog is closed");
    }
    return membership;
  }

  /**
   * A new environment for one membership's lease (closed by the membership). Its own connections
   * and dispatching threads: the broker waits for a revocation's answer, and a listener that stops
   * a task and checkpoints inside it must not block the delivery of the messages that task's
   * readers are draining. Not shared between memberships nor between the generations of one: the
   * broker's group state can keep a subscription the client removed (see {@link
   * RabbitGroupMembership}), and only closing the connection that held it removes it.
   */
  private Environment groupEnvironment() {
    checkOpen();
    try {
      return environments.build("coursepulse-group", new AtomicReference<>());
    } catch (RuntimeException e) {
      throw RabbitErrors.connecting(e, uri);
    }
  }

  /** The probes' environment: one connection per probe consumer (see {@link RabbitOffsetProbe}). */
  private Environment probeEnvironment() {
    checkOpen();
    try {
      return environments.build("coursepulse-probe", new AtomicReference<>(), true);
    } catch (RuntimeException e) {
      throw RabbitErrors.connecting(e, uri);
    }
  }

  void forget(RabbitGroupMembership membership) {
    memberships.remove(membership);
  }

  @Override
  public void deleteStream(String stream) {
    checkOpen();
    ends.forget(stream);
    admin.delete(stream);
  }

  @Override
  public boolean streamExists(String stream) {
    checkOpen();
    return admin.exists(stream);
  }

  @Override
  public Optional<StreamStats> stats(String stream) {
    checkOpen();
    return ends.stats(stream);
  }

  /** Probes run so far (each attaches consumers): for tests. */
  int probeCount() {
    return ends.probeCount();
  }

  @Override
  public LogWriter writer(String stream, String producerName) {
    checkOpen();
    ProducerBuilder builder =
        environment.producerBuilder()
            .stream(stream)
            .batchSize(settings.batchSize())
            .batchPublishingDelay(settings.batchPublishingDelay())
            .dynamicBatch(settings.dynamicBatch())
            .maxUnconfirmedMessages(settings.maxUnconfirmedMessages())
            .enqueueTimeout(settings.enqueueTimeout());
    if (producerName != null) {
      builder.name(producerName);
    }
    builder.listeners(
        context -> {
          if (context.currentState() == com.rabbitmq.stream.Resource.State.RECOVERING) {
            lost();
          }
        });
    Producer producer;
    try {
      producer = builder.build();
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "write to");
    }
    RabbitLogWriter writer = new RabbitLogWriter(this, producer, stream, producerName);
    writers.add(writer);
    return writer;
  }

  @Override
  public LogReader reader(String stream, OffsetSpec from) {
    checkOpen();
    RabbitLogReader reader =
        new RabbitLogReader(
            this, environment, stream, Objects.requireNonNull(from, "from"),
            settings.readerInitialCredits());
    readers.add(reader);
    return reader;
  }

  @Override
  public void storeOffset(String consumerName, String stream, long offset) {
    checkOpen();
    storedOffsets.store(consumerName, stream, offset);
  }

  @Override
  public OptionalLong queryOffset(String consumerName, String stream) {
    checkOpen();
    return storedOffsets.query(consumerName, stream);
  }

  @Override
  public String describe() {
    return "RabbitMQ " + brokerVersion + " at " + settings.redactedUri();
  }

  @Override
  public String toString() {
    return "RabbitStreamLog{" + describe() + "}";
  }

  /** Closes every writer (flushing briefly), every reader, then the connections. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (RabbitGroupMembership membership : memberships) {
      membership.close();
    }
    for (RabbitLogReader reader : readers) {
      reader.close();
    }
    ends.close(); // after the readers: they may still be asking for their stream's end
    for (RabbitLogWriter writer : writers) {
      try {
        writer.flush(Duration.ofSeconds(5));
      } catch (LogException e) {
        LOG.warn("Closing a writer with unconfirmed messages: {}", e.getMessage());
      }
      writer.closeQuietly();
    }
    try {
      environment.close();
    } finally {
      environments.close();
    }
  }

  /** The underlying environment, for {@link RabbitBench}'s raw-client baseline. */
  Environment environment() {
    return environment;
  }

  /** The settings this log was connected with. */
  RabbitSettings settings() {
    return settings;
  }

  /** A subscription or producer of this log lost its connection. */
  void lost() {
    disruptions.lost();
  }

  /** A subscription of this log got its connection back. */
  void regained() {
    disruptions.regained();
  }

  /**
   * When a reader may count as caught up again after a connection of this log was lost or
   * regained ({@link DisruptionSettle}, {@link RabbitSettings.Builder#disruptionSettle}).
   */
  DisruptionSettle settle() {
    return disruptions;
  }

  void forget(RabbitLogWriter writer) {
    writers.remove(writer);
  }

  void forget(RabbitLogReader reader) {
    readers.remove(reader);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this RabbitStreamLog is closed");
    }
  }
}
