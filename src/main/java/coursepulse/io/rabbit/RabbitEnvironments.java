package coursepulse.io.rabbit;

import com.rabbitmq.stream.Address;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.EnvironmentBuilder;
import coursepulse.engine.log.LogUnavailableException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the stream-client environments of one {@link RabbitStreamLog} from its settings: where
 * connections go (one URI or a cluster's nodes), credentials, TLS, heartbeats, and one I/O thread
 * pool shared by all of them. What is configured here changes with the client and the network, not
 * with what the log does over the connections.
 */
final class RabbitEnvironments implements AutoCloseable {

  private final RabbitSettings settings;
  private final RabbitUri uri;
  private final SslContext sslContext;
  // One I/O thread pool for every environment's connections: the client would otherwise start one
  // per connection and spend a second of "quiet period" shutting each one down.
  private final EventLoopGroup eventLoopGroup;

  RabbitEnvironments(RabbitSettings settings) {
    this.settings = settings;
    this.uri = settings.uri();
    this.sslContext = uri.tls() ? sslContext(settings) : null;
    this.eventLoopGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
  }

  /**
   * An environment on the URI's nodes; every connection it opens reports its broker version to
   * {@code version}.
   */
  Environment build(String id, AtomicReference<String> version) {
    return build(id, version, false);
  }

  /**
   * @param consumerPerConnection each consumer on a connection of its own, opened for it and
   *     closed with it (the probes: see {@link RabbitOffsetProbe})
   */
  Environment build(String id, AtomicReference<String> version, boolean consumerPerConnection) {
    EnvironmentBuilder builder = Environment.builder().id(id);
    if (consumerPerConnection) {
      builder.maxConsumersByConnection(1);
    }
    if (settings.uris().size() == 1) {
      // Ignore the host the broker advertises (often a container or machine name the client
      // cannot resolve): every connection goes where the URI says.
      Address fixed = new Address(uri.host(), uri.port());
      builder.host(uri.host()).port(uri.port()).addressResolver(address -> fixed);
    } else {
      // A cluster: a locator per node (the client keeps up to three), and producers and consumers
      // on the node each stream's leader or replica lives on, at the address it advertises.
      builder.uris(settings.uris().stream().map(RabbitUri::full).toList());
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

  /** Stops the shared I/O threads; call after every environment built here is closed. */
  @Override
  public void close() {
    // Connections are closed already; a short quiet period lets their last close tasks run
    // instead of the client's one second per connection.
    eventLoopGroup
        .shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(5, TimeUnit.SECONDS);
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
