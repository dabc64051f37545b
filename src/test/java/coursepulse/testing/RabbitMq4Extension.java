package coursepulse.testing;

import java.io.IOException;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link RabbitMqExtension} against the RabbitMQ 4 node that {@code .ci/rabbitmq4.sh} runs beside
 * the 3.10 one, for tests of features that need RabbitMQ 3.11 or newer (super streams, single
 * active consumer, stream statistics). Same parameters, same fresh virtual host per class.
 *
 * <pre>{@code
 * @ExtendWith(RabbitMq4Extension.class)
 * class SuperStreamIT {
 *   @Test
 *   void shouldCreatePartitions(RabbitStreamLog log) { ... }
 * }
 * }</pre>
 *
 * <p><b>Broker.</b> The URI comes from {@value #URI_ENV} (default {@value #DEFAULT_URI}); virtual
 * hosts are created through its management API ({@value #MANAGEMENT_ENV}, default {@code
 * http://localhost:15673}) or, when that does not answer, with the command prefix in {@value
 * #CTL_ENV} (default {@code bash .ci/rabbitmq4.sh ctl}: rabbitmqctl must run inside the node's
 * root, which holds its Erlang cookie). {@code eval "$(bash .ci/rabbitmq4.sh)"} starts the node
 * and exports all three. When nothing listens the class is skipped with one loud line, unless
 * {@code CI=true}: then it fails.
 */
public final class RabbitMq4Extension extends RabbitMqExtension {

  /** Environment variable holding the RabbitMQ 4 node's stream URI. */
  public static final String URI_ENV = "COURSEPULSE_RABBITMQ4_URI";

  /** Environment variable holding its management API base URL. */
  public static final String MANAGEMENT_ENV = "COURSEPULSE_RABBITMQ4_MANAGEMENT_URL";

  /** Environment variable holding the command prefix that runs its rabbitmqctl. */
  public static final String CTL_ENV = "COURSEPULSE_RABBITMQ4_CTL";

  /** The URI used when {@value #URI_ENV} is not set: the node {@code .ci/rabbitmq4.sh} starts. */
  public static final String DEFAULT_URI = "rabbitmq-stream://guest:guest@localhost:5553/%2f";

  static final Target RABBITMQ4 =
      new Target(
          "RabbitMQ 4",
          URI_ENV,
          DEFAULT_URI,
          MANAGEMENT_ENV,
          "http://localhost:15673",
          CTL_ENV,
          List.of("bash", ".ci/rabbitmq4.sh", "ctl"),
          "Start the RabbitMQ 4.0 node beside the 3.10 one with"
              + " 'eval \"$(sudo bash .ci/rabbitmq4.sh)\"' (Debian trixie root, stream port 5553).",
          new AtomicBoolean());

  /** The extension for the RabbitMQ 4 node. */
  public RabbitMq4Extension() {
    super(RABBITMQ4);
  }

  /**
   * One more fresh virtual host on the RabbitMQ 4 node, for a test method that needs its own;
   * delete it with {@link #deleteVhostOn4(RabbitVhost)}.
   */
  public static RabbitVhost createVhostOn4(String prefix) throws IOException, InterruptedException {
    return createVhost(RABBITMQ4, prefix);
  }

  /** Deletes a virtual host made by {@link #createVhostOn4(String)}. */
  public static void deleteVhostOn4(RabbitVhost vhost) throws IOException, InterruptedException {
    deleteVhost(RABBITMQ4, vhost);
  }
}
