package coursepulse.io.rabbit;

import com.rabbitmq.stream.Address;
import com.rabbitmq.stream.ByteCapacity;
import com.rabbitmq.stream.Constants;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.EnvironmentBuilder;
import com.rabbitmq.stream.NoOffsetException;
import com.rabbitmq.stream.OffsetSpecification;
import com.rabbitmq.stream.Producer;
import com.rabbitmq.stream.ProducerBuilder;
import com.rabbitmq.stream.StreamCreator;
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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.TrustManagerFactory;
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
 * groups, one for leases; all used only through the client's public API (not its {@code impl}
 * package, which may change in any release). With one URI
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
 * offset (Debian's 4.0.5 does not), the same probe from {@code last} for the exact last one.
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
  // Per stream: the committed chunk id at the last probe and the last offset it gave.
  private final Map<String, long[]> probedLast = new ConcurrentHashMap<>();
  private final RabbitUri uri;
  private final List<RabbitUri> uris;
  private final SslContext sslContext;
  // One I/O thread pool for both environments' connections: the client would otherwise
  // start one per connection and spend a second of "quiet period" shutting each one down.
  private final EventLoopGroup eventLoopGroup;
  private final BrokerVersion brokerVersion;
  private final Environment environment;
  private final RabbitOffsetProbe probe;
  private final RabbitStoredOffsets storedOffsets;
  private final Set<RabbitLogWriter> writers = ConcurrentHashMap.newKeySet();
  private final Set<RabbitLogReader> readers = ConcurrentHashMap.newKeySet();
  private final Set<RabbitGroupMembership> memberships = ConcurrentHashMap.newKeySet();
  // Partitions of a super stream never change after creation: non-empty answers are kept.
  private final ConcurrentHashMap<String, List<String>> partitionCache = new ConcurrentHashMap<>();
  private final Object probeLock = new Object();
  // Offset probes get an environment of their own: see RabbitOffsetProbe for the client race that
  // probes subscribing beside the readers would expose them to.
  private Environment probeEnvironment;
  private volatile boolean closed;
  // When a subscription or producer of this log last lost or regained its connection
  // (System.nanoTime()); see settling().
  private volatile long lastDisruption;
  private volatile boolean everDisrupted;

  private RabbitStreamLog(RabbitSettings settings) {
    this.settings = settings;
    this.uri = settings.uri();
    this.uris = settings.uris();
    this.sslContext = uri.tls() ? sslContext(settings) : null;
    this.eventLoopGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    AtomicReference<String> version = new AtomicReference<>();
    try {
      this.environment = buildEnvironment("coursepulse", version);
    } catch (RuntimeException e) {
      shutdown(eventLoopGroup);
      throw RabbitErrors.connecting(e, uri);
    }
    if (version.get() == null) {
      environment.close();
      shutdown(eventLoopGroup);
      throw new LogException(
          "cannot read the version of RabbitMQ at " + uri.endpoint()
              + ": its first answer on the stream connection had none");
    }
    this.brokerVersion = BrokerVersion.parse(version.get());
    this.probe = new RabbitOffsetProbe(this::probeEnvironment, settings.statsProbeTimeout());
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
    StreamCreator creator = retained(environment.streamCreator().name(stream), retention);
    try {
      creator.create();
    } catch (RuntimeException e) {
      if (RabbitErrors.code(e) == Constants.RESPONSE_CODE_PRECONDITION_FAILED) {
        // The stream exists with other arguments: keep it, as "create" is idempotent, but say so.
        LOG.warn(
            "Stream '{}' exists with different retention settings; keeping the existing ones",
            stream);
        return;
      }
      throw RabbitErrors.onStream(e, stream, "create");
    }
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
    StreamCreator creator =
        retained(environment.streamCreator().name(superStream), retention)
            .superStream()
            .partitions(partitions)
            .creator();
    try {
      creator.create();
    } catch (RuntimeException e) {
      short code = RabbitErrors.code(e);
      if (code == Constants.RESPONSE_CODE_STREAM_ALREADY_EXISTS
          || code == Constants.RESPONSE_CODE_PRECONDITION_FAILED) {
        LOG.warn(
            "Super stream '{}' exists already (partitions {}); keeping it as it is",
            superStream, superStreamPartitions(superStream));
        return;
      }
      throw RabbitErrors.onStream(e, superStream, "create super stream");
    }
  }

  /**
   * The partitions of a super stream in routing order ({@code <superStream>-0} first), or an empty
   * list when no super stream has that name (a plain stream of that name is not one). On a broker
   * without super streams the list is always empty.
   */
  public List<String> superStreamPartitions(String superStream) {
    checkOpen();
    if (!supports(Feature.SUPER_STREAMS)) {
      return List.of();
    }
    // The public API shows a super stream's partitions only to a routing strategy: a super stream
    // producer looks them up when it is built, and a message routed nowhere is not sent.
    AtomicReference<List<String>> partitions = new AtomicReference<>(List.of());
    Producer lookup;
    try {
      lookup =
          environment.producerBuilder()
              .superStream(superStream)
              .routing(message -> "")
              .strategy(
                  (message, metadata) -> {
                    partitions.set(List.copyOf(metadata.partitions()));
                    return List.of();
                  })
              .producerBuilder()
              .build();
    } catch (IllegalArgumentException e) {
      return List.of(); // "super stream ... has no partition": no super stream of that name
    } catch (RuntimeException e) {
      if (RabbitErrors.code(e) == Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST) {
        return List.of();
      }
      throw RabbitErrors.onStream(e, superStream, "list the partitions of");
    }
    try {
      lookup.send(lookup.messageBuilder().build(), status -> {});
    } finally {
      lookup.close();
    }
    return partitions.get();
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
    try {
      environment.deleteSuperStream(superStream);
    } catch (RuntimeException e) {
      if (RabbitErrors.code(e) != Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST) {
        throw RabbitErrors.onStream(e, superStream, "delete super stream");
      }
    }
  }

  /** {@inheritDoc} Here: the partitions of the super stream {@code stream}. */
  @Override
  public List<String> partitions(String stream) {
    Objects.requireNonNull(stream, "stream");
    List<String> cached = partitionCache.get(stream);
    if (cached != null) {
      return cached;
    }
    List<String> partitions = superStreamPartitions(stream);
    if (!partitions.isEmpty()) {
      partitionCache.put(stream, partitions);
    }
    return partitions;
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
    try {
      return buildEnvironment("coursepulse-group", new AtomicReference<>());
    } catch (RuntimeException e) {
      throw RabbitErrors.connecting(e, uri);
    }
  }

  private Environment probeEnvironment() {
    synchronized (probeLock) {
      checkOpen();
      if (probeEnvironment == null) {
        try {
          probeEnvironment = buildEnvironment("coursepulse-probe", new AtomicReference<>(), true);
        } catch (RuntimeException e) {
          throw RabbitErrors.connecting(e, uri);
        }
      }
      return probeEnvironment;
    }
  }

  void forget(RabbitGroupMembership membership) {
    memberships.remove(membership);
  }

  private static StreamCreator retained(StreamCreator creator, Retention retention) {
    if (retention != null) {
      if (retention.maxAge() != null && !retention.maxAge().isZero()) {
        creator.maxAge(retention.maxAge());
      }
      if (retention.maxLengthBytes() > 0) {
        creator.maxLengthBytes(ByteCapacity.B(retention.maxLengthBytes()));
      }
    }
    return creator;
  }

  @Override
  public void deleteStream(String stream) {
    checkOpen();
    probedLast.remove(stream); // a stream created again under the name starts over
    try {
      environment.deleteStream(stream);
    } catch (RuntimeException e) {
      if (RabbitErrors.code(e) != Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST) {
        throw RabbitErrors.onStream(e, stream, "delete");
      }
    }
  }

  @Override
  public boolean streamExists(String stream) {
    checkOpen();
    try {
      return environment.streamExists(stream);
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "look up");
    }
  }

  @Override
  public Optional<StreamStats> stats(String stream) {
    checkOpen();
    if (supports(Feature.STREAM_STATS)) {
      return queryStats(stream);
    }
    return probe.stats(stream);
  }

  private Optional<StreamStats> queryStats(String stream) {
    com.rabbitmq.stream.StreamStats s;
    long first;
    try {
      s = environment.queryStreamStats(stream);
      first = s.firstOffset();
    } catch (NoOffsetException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "read the offsets of");
    }
    long last;
    try {
      last = s.committedOffset(); // exact, where the broker reports it
    } catch (NoOffsetException e) {
      // Only the first offset of the last committed chunk (3.11 to 4.0.x: Debian trixie's 4.0.5
      // does not report committed_offset): read that chunk's record count to make it exact.
      long chunk;
      boolean chunkKnown = true;
      try {
        chunk = s.committedChunkId();
      } catch (NoOffsetException unknown) {
        // In a cluster the node answering may hold a replica that has not learnt the committed
        // chunk yet (a new stream, a leader that just moved): the probe alone says it.
        chunk = first;
        chunkKnown = false;
      }
      long[] known = chunkKnown ? probedLast.get(stream) : null;
      if (known != null && known[0] == chunk) {
        // Nothing was committed since the last probe (every append, stored offsets included,
        // is a new chunk with a new id), so its answer stands: an idle engine asking every pass
        // no longer probes each time (issue 20: an idle engine must not spin).
        last = known[1];
      } else {
        OptionalLong probed = probe.lastOffset(stream);
        last = Math.max(probed.orElse(chunk), chunk);
        if (probed.isPresent() && chunkKnown) {
          probedLast.put(stream, new long[] {chunk, last});
        }
      }
    }
    return Optional.of(new StreamStats(first, Math.max(first, last)));
  }

  /** Probes run so far (each attaches consumers): for tests. */
  int probeCount() {
    return probe.count();
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
            disrupted();
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
    probe.close(Duration.ofSeconds(5)); // readers may still be asking for their stream's end
    synchronized (probeLock) {
      if (probeEnvironment != null) {
        try {
          probeEnvironment.close();
        } catch (RuntimeException e) {
          LOG.debug("Closing the probe environment failed", e);
        }
      }
    }
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
      shutdown(eventLoopGroup);
    }
  }

  private static void shutdown(EventLoopGroup group) {
    // Connections are closed already; a short quiet period lets their last close tasks run
    // instead of the client's one second per connection.
    group.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** The underlying environment, for {@link RabbitBench}'s raw-client baseline. */
  Environment environment() {
    return environment;
  }

  /** The settings this log was connected with. */
  RabbitSettings settings() {
    return settings;
  }

  /** A subscription or producer of this log lost its connection, or got it back. */
  void disrupted() {
    lastDisruption = System.nanoTime();
    everDisrupted = true;
  }

  /**
   * Whether a connection of this log was lost or regained less than {@code disruptionSettle} ago:
   * then readers do not count as caught up by what they received alone (see {@link
   * RabbitSettings.Builder#disruptionSettle}).
   */
  boolean settling() {
    return everDisrupted
        && System.nanoTime() - lastDisruption < settings.disruptionSettle().toNanos();
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

  /** An environment on the URI's nodes; every connection it opens reports its broker version. */
  private Environment buildEnvironment(String id, AtomicReference<String> version) {
    return buildEnvironment(id, version, false);
  }

  /**
   * @param consumerPerConnection each consumer on a connection of its own, opened for it and
   *     closed with it (the probes: see {@link RabbitOffsetProbe})
   */
  private Environment buildEnvironment(
      String id, AtomicReference<String> version, boolean consumerPerConnection) {
    EnvironmentBuilder builder = Environment.builder().id(id);
    if (consumerPerConnection) {
      builder.maxConsumersByConnection(1);
    }
    if (uris.size() == 1) {
      // Ignore the host the broker advertises (often a container or machine name the client
      // cannot resolve): every connection goes where the URI says.
      Address fixed = new Address(uri.host(), uri.port());
      builder.host(uri.host()).port(uri.port()).addressResolver(address -> fixed);
    } else {
      // A cluster: a locator per node (the client keeps up to three), and producers and consumers
      // on the node each stream's leader or replica lives on, at the address it advertises.
      builder.uris(uris.stream().map(RabbitUri::full).toList());
    }
    builder =
        builder
            .username(uri.username())
            .password(uri.password())
            .virtualHost(uri.virtualHost())
            .rpcTimeout(settings.rpcTimeout())
            .requestedHeartbeat(settings.heartbeat())
            // One connection per producer, so that closing a producer closes its connection. The
            // client (1.11.0, StreamProducer.close) never sends delete_publisher: it sets the state
            // to CLOSING and then checks for OPEN. On a shared connection the broker keeps the
            // closed producer's name, and declaring that name there again is refused
            // (PRECONDITION_FAILED, "reference already taken"): a task that came back to an
            // instance that held it before could not write (found by ZombieFencing4IT).
            .maxProducersByConnection(1)
            .netty()
            .eventLoopGroup(eventLoopGroup)
            .channelCustomizer(BrokerVersionSniffer.installer(version))
            .environmentBuilder();
    if (sslContext != null) {
      builder = builder.tls().sslContext(sslContext).environmentBuilder();
    }
    return builder.build();
  }

  private static SslContext sslContext(RabbitSettings settings) {
    try {
      SslContextBuilder builder = SslContextBuilder.forClient();
      if (settings.tlsTrustEverything()) {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
      } else {
        if (settings.tlsTrustStore() != null) {
          String password = settings.tlsTrustStorePassword();
          KeyStore store =
              KeyStore.getInstance(
                  settings.tlsTrustStore().toFile(),
                  password == null ? null : password.toCharArray());
          TrustManagerFactory tmf =
              TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(store);
          builder.trustManager(tmf);
        }
        builder.endpointIdentificationAlgorithm("HTTPS");
      }
      return builder.build();
    } catch (IOException | GeneralSecurityException e) {
      throw new LogUnavailableException(
          "cannot set up TLS for RabbitMQ: cannot read trust store '" + settings.tlsTrustStore()
              + "' (" + e.getMessage() + ")", e);
    }
  }
}
