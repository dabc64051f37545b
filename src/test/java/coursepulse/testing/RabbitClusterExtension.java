package coursepulse.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * {@link RabbitMqExtension} against the three-node RabbitMQ 4.0 cluster that {@code
 * .ci/rabbitmq4-cluster.sh} runs on this machine, for tests of a cluster that loses a node: the
 * same fresh virtual host per class (made through node 1), plus what such a test needs to break the
 * cluster: which node leads a stream, killing a node (SIGKILL of its Erlang VM) and starting it
 * again.
 *
 * <p><b>Cluster.</b> {@value #URIS_ENV} lists the nodes' stream URIs, comma separated (as {@code
 * --uri} takes them), {@value #MANAGEMENT_ENV} their management URLs and {@value #SCRIPT_ENV} the
 * command prefix running the script; {@code eval "$(bash .ci/rabbitmq4-cluster.sh)"} starts the
 * cluster and exports all three. When node 1 does not answer the class is skipped with one loud
 * line, unless {@code CI=true}: then it fails. Nodes are numbered 1 to 3, in the order of {@value
 * #URIS_ENV}.
 */
public final class RabbitClusterExtension extends RabbitMqExtension {

  /** Environment variable listing the cluster nodes' stream URIs. */
  public static final String URIS_ENV = "COURSEPULSE_RABBITMQ_CLUSTER_URIS";

  /** Environment variable listing their management API base URLs. */
  public static final String MANAGEMENT_ENV = "COURSEPULSE_RABBITMQ_CLUSTER_MANAGEMENT_URLS";

  /** Environment variable holding the command prefix that runs the cluster script. */
  public static final String SCRIPT_ENV = "COURSEPULSE_RABBITMQ_CLUSTER_SCRIPT";

  private static final String DEFAULT_URIS =
      "rabbitmq-stream://guest:guest@localhost:5561/%2f,"
          + "rabbitmq-stream://guest:guest@localhost:5562/%2f,"
          + "rabbitmq-stream://guest:guest@localhost:5563/%2f";

  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

  static final Target CLUSTER =
      new Target(
          "RabbitMQ cluster",
          URIS_ENV,
          DEFAULT_URIS,
          MANAGEMENT_ENV,
          "http://localhost:15681",
          null,
          // the fallback when the management API does not answer: rabbitmqctl of the same cluster
          // (never the default one when the variables name another, see the script's BASE)
          ctlOfNode1(),
          "Start the three-node RabbitMQ 4.0 cluster with"
              + " 'eval \"$(sudo bash .ci/rabbitmq4-cluster.sh)\"' (stream ports 5561-5563).",
          new AtomicBoolean());

  /** The extension for the cluster. */
  public RabbitClusterExtension() {
    super(CLUSTER);
  }

  /** One more fresh virtual host on the cluster; delete it with {@link #deleteVhostOnCluster}. */
  public static RabbitVhost createVhostOnCluster(String prefix)
      throws IOException, InterruptedException {
    return createVhost(CLUSTER, prefix);
  }

  /** Deletes a virtual host made by {@link #createVhostOnCluster(String)}. */
  public static void deleteVhostOnCluster(RabbitVhost vhost)
      throws IOException, InterruptedException {
    deleteVhost(CLUSTER, vhost);
  }

  /**
   * Every node's stream URI bound to {@code vhost}, comma separated: what {@code --uri} takes to
   * use the whole cluster.
   */
  public static String clusterUri(RabbitVhost vhost) {
    return nodeUris().stream()
        .map(u -> u.substring(0, u.lastIndexOf('/') + 1) + vhostPath(vhost))
        .collect(Collectors.joining(","));
  }

  /** Node {@code n}'s stream URI (1 to 3) bound to {@code vhost}: that node only. */
  public static String nodeUri(RabbitVhost vhost, int n) {
    return clusterUri(vhost).split(",")[n - 1];
  }

  /** The number of the node leading {@code stream} of {@code vhost}. */
  public static int leader(RabbitVhost vhost, String stream)
      throws IOException, InterruptedException {
    return Integer.parseInt(script("leader", vhost.name(), stream).strip());
  }

  /**
   * Makes the node a client declares a stream through its leader, in {@code vhost}: so a test
   * decides which node leads by where it creates the streams.
   */
  public static void leadersWhereDeclared(RabbitVhost vhost)
      throws IOException, InterruptedException {
    script(
        "ctl", "1", "-q", "set_policy", "-p", vhost.name(), "--apply-to", "queues",
        "cp-leader-local", ".*", "{\"queue-leader-locator\":\"client-local\"}");
  }

  /**
   * The states of the consumers of single-active-consumer group {@code reference} on {@code
   * stream} of {@code vhost}, one per member ({@code active} or {@code inactive}), asked of node
   * {@code n}.
   */
  public static List<String> groupConsumerStates(RabbitVhost vhost, String stream, String reference, int n)
      throws IOException, InterruptedException {
    // rabbitmq-streams 4.0 has no --no-table-headers here (usage error, exit 64): keep only the
    // rows' state column, whatever the header and column order.
    String out =
        script(
            "streams", String.valueOf(n), "-q", "list_stream_group_consumers", "-p", vhost.name(),
            "--stream", stream, "--reference", reference);
    List<String> states =
        out.lines()
            .flatMap(l -> Arrays.stream(l.strip().split("\\s+")))
            .filter(token -> token.equals("active") || token.equals("inactive"))
            .sorted()
            .toList();
    if (states.isEmpty()) {
      throw new IllegalStateException(
          "no consumer states in list_stream_group_consumers' output: " + out);
    }
    return states;
  }

  /**
   * {@code rabbitmq-streams} against node {@code n} with {@code args} (quiet, JSON rows): for the
   * diagnostics of a failed test.
   */
  public static String streamsCommand(int n, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("streams", String.valueOf(n), "-q"));
    command.addAll(List.of(args));
    command.addAll(List.of("--formatter", "json"));
    return script(command.toArray(String[]::new)).strip();
  }

  /** SIGKILL of node {@code n}'s Erlang VM: a crash, no clean shutdown. Returns once it is gone. */
  public static void kill(int n) throws IOException, InterruptedException {
    script("kill", String.valueOf(n));
  }

  /** Starts node {@code n} again with its data; returns once it has rejoined the cluster. */
  public static void startNode(int n) throws IOException, InterruptedException {
    script("start-node", String.valueOf(n));
  }

  private static List<String> ctlOfNode1() {
    List<String> command = new ArrayList<>(scriptPrefix());
    command.addAll(List.of("ctl", "1"));
    return List.copyOf(command);
  }

  private static List<String> scriptPrefix() {
    String prefix = System.getenv(SCRIPT_ENV);
    return prefix == null || prefix.isBlank()
        ? List.of("bash", ".ci/rabbitmq4-cluster.sh")
        : List.of(prefix.trim().split("\\s+"));
  }

  private static List<String> nodeUris() {
    String value = System.getenv(URIS_ENV);
    String list = value == null || value.isBlank() ? DEFAULT_URIS : value;
    return Arrays.stream(list.split(",")).map(String::trim).toList();
  }

  private static String vhostPath(RabbitVhost vhost) {
    String one = vhost.uri();
    return one.substring(one.lastIndexOf('/') + 1);
  }

  private static String script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(scriptPrefix());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "'" + String.join(" ", command) + "' exited " + p.exitValue() + ": " + out.strip());
    }
    return out;
  }
}
