package coursepulse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of its own for one test, on free ports and a temporary data directory, that the
 * test may stop and start again: for broker-restart tests, which must never restart the node that
 * other tests and developers share on localhost:5552.
 *
 * <pre>{@code
 * Assumptions.assumeTrue(PrivateRabbitNode.isAvailable(), "rabbitmq-server not installed");
 * try (PrivateRabbitNode node = PrivateRabbitNode.start()) {
 *   try (RabbitStreamLog log = RabbitStreamLog.connect(node.streamUri())) { ... }
 *   node.stop();          // rabbitmqctl -n <node> stop
 *   node.startAgain();    // same name, ports and data directory: streams and data survive
 * }                       // stops the node and deletes its directory
 * }</pre>
 *
 * <p>How: runs the installed {@code rabbitmq-server} (Debian layout, {@code
 * /usr/lib/rabbitmq/bin}) with {@code RABBITMQ_NODENAME=cp-private-<random>@localhost}, {@code
 * RABBITMQ_NODE_PORT} (AMQP) and {@code RABBITMQ_DIST_PORT} on free ports, {@code
 * RABBITMQ_MNESIA_BASE} and {@code RABBITMQ_LOG_BASE} in a temporary directory, an {@code
 * RABBITMQ_ENABLED_PLUGINS_FILE} that enables only {@code rabbitmq_stream}, and the stream listener
 * on a free port through {@code RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-rabbitmq_stream
 * tcp_listeners [PORT]"}. No config file is read, so the node has the default user guest/guest
 * (loopback only) and the default virtual host. {@code HOME} points to the temporary directory,
 * which holds a copy of the machine's Erlang cookie ({@code ~/.erlang.cookie}, else {@code
 * /var/lib/rabbitmq/.erlang.cookie}), so that {@code rabbitmqctl -n <node>} run with the same
 * {@code HOME} may talk to it. Needs permission to read that cookie (root, or the rabbitmq user).
 *
 * <p>A start takes 5 to 20 seconds on a loaded machine; {@link #start()} and {@link #startAgain()}
 * return once a stream-protocol client could connect and report how long that took.
 */
public final class PrivateRabbitNode implements AutoCloseable {

  private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

  private final Path dir;
  private final Path home;
  private final String nodeName;
  private final int streamPort;
  private final int amqpPort;
  private final int distPort;
  private Process process;
  private Duration lastStartDuration = Duration.ZERO;

  private PrivateRabbitNode(Path dir) throws IOException {
    this.dir = dir;
    this.home = Files.createDirectories(dir.resolve("home"));
    this.nodeName = "cp-private-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    int[] ports = freePorts(3);
    this.streamPort = ports[0];
    this.amqpPort = ports[1];
    this.distPort = ports[2];
    Path cookie = home.resolve(".erlang.cookie");
    Files.write(cookie, Files.readAllBytes(cookieSource()));
    Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
    Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_stream].\n");
  }

  /** Whether this machine can run a private node (server installed, cookie readable). */
  public static boolean isAvailable() {
    return Files.isExecutable(BIN.resolve("rabbitmq-server"))
        && Files.isExecutable(BIN.resolve("rabbitmqctl"))
        && Files.isReadable(cookieSource());
  }

  /**
   * Starts a new node and waits until its stream port accepts clients.
   *
   * @throws IllegalStateException when it does not come up within 2 minutes (the message quotes
   *     the end of its log)
   */
  public static PrivateRabbitNode start() throws IOException, InterruptedException {
    PrivateRabbitNode node =
        new PrivateRabbitNode(Files.createTempDirectory("cp-private-rabbit-"));
    try {
      node.startAgain();
    } catch (RuntimeException | IOException | InterruptedException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** The node name, e.g. {@code cp-private-1a2b3c4d@localhost}. */
  public String nodeName() {
    return nodeName;
  }

  /** The stream port. */
  public int streamPort() {
    return streamPort;
  }

  /** A {@code rabbitmq-stream://} URI for the default virtual host, user guest. */
  public String streamUri() {
    return "rabbitmq-stream://guest:guest@localhost:" + streamPort + "/%2f";
  }

  /** Whether the server process runs. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** How long the last (re)start took until the stream port accepted clients. */
  public Duration lastStartDuration() {
    return lastStartDuration;
  }

  /**
   * Starts the node (again) on the same name, ports and data directory, and waits until its stream
   * port accepts a stream-protocol handshake.
   *
   * @return how long that took
   */
  public Duration startAgain() throws IOException, InterruptedException {
    if (isRunning()) {
      throw new IllegalStateException("node " + nodeName + " runs already");
    }
    long t0 = System.nanoTime();
    ProcessBuilder pb =
        new ProcessBuilder(BIN.resolve("rabbitmq-server").toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()));
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("no-config").toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("no-advanced.config").toString());
    env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("no-env.conf").toString());
    env.put(
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
        "-rabbitmq_stream tcp_listeners [" + streamPort + "]");
    process = pb.start();
    awaitStreamPort(System.nanoTime() + START_TIMEOUT.toNanos());
    lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
    return lastStartDuration;
  }

  /**
   * Stops the node with {@code rabbitmqctl -n <node> stop} and waits for its process to end. Data
   * stays for {@link #startAgain()}.
   *
   * @return how long the stop took
   */
  public Duration stop() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    if (isRunning()) {
      rabbitmqctl("stop");
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Runs {@code rabbitmqctl -n <node> ARGS} and returns its output. */
  public String rabbitmqctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(BIN.resolve("rabbitmqctl").toString());
    command.add("-n");
    command.add(nodeName);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "rabbitmqctl " + String.join(" ", args) + " failed: " + out.strip());
    }
    return out;
  }

  /** Stops the node if it runs and deletes its directory. */
  @Override
  public void close() {
    try {
      stop();
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  @Override
  public String toString() {
    return "PrivateRabbitNode{" + nodeName + ", stream port " + streamPort + "}";
  }

  private void awaitStreamPort(long deadlineNanos) throws IOException, InterruptedException {
    long backoffMs = 100;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "RabbitMQ node " + nodeName + " exited with " + process.exitValue() + ": " + logTail());
      }
      if (handshakes()) {
        return;
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new IllegalStateException(
            "RabbitMQ node " + nodeName + " did not open stream port " + streamPort + " within "
                + START_TIMEOUT + ": " + logTail());
      }
      // Polling a process that is booting: there is nothing to wait on but time.
      TimeUnit.MILLISECONDS.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 500);
    }
  }

  private boolean handshakes() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", streamPort), 1_000);
    } catch (IOException e) {
      return false;
    }
    try {
      coursepulse.io.rabbit.RabbitStreamLog.connect(streamUri()).close();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private String logTail() throws IOException {
    Path out = dir.resolve("server.out");
    if (!Files.exists(out)) {
      return "(no output)";
    }
    String s = Files.readString(out);
    return s.substring(Math.max(0, s.length() - 2_000));
  }

  private static Path cookieSource() {
    Path own = Path.of(System.getProperty("user.home"), ".erlang.cookie");
    return Files.isReadable(own) ? own : Path.of("/var/lib/rabbitmq/.erlang.cookie");
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
    return ports;
  }
}
