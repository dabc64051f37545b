package coursepulse.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-port} and {@code --metrics-bind}, shared by the long-running commands. Each
 * command declares its own default port ({@code @Mixin MetricsOptions metrics =
 * MetricsOptions.defaultPort(9467);}), so that its {@code --help} states the port it really uses.
 */
final class MetricsOptions {

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Port serving /metrics and /health (default: ${DEFAULT-VALUE}; 0 disables).")
  Integer port;

  @Option(
      names = "--metrics-bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:COURSEPULSE_METRICS_BIND:-127.0.0.1}",
      description =
          "Address the metrics endpoint binds to (default: ${DEFAULT-VALUE}; loopback keeps it"
              + " private, containers set 0.0.0.0).")
  String bind;

  /**
   * Options whose port defaults to {@code port}: picocli keeps a mixin field's initial instance
   * and shows the initial value as the option's default.
   */
  static MetricsOptions defaultPort(int port) {
    MetricsOptions options = new MetricsOptions();
    options.port = port;
    return options;
  }

  /** The port to serve on, {@code commandDefault} when none was given; 0 means disabled. */
  int portOr(int commandDefault) {
    return port == null ? commandDefault : port;
  }

  /**
   * Refuses a port outside 0..65535 or an address this machine cannot bind, naming the option, so
   * a command can check before it starts anything.
   *
   * @throws IllegalArgumentException saying which option to correct
   */
  void check() {
    checkPort(port == null ? 0 : port, "--metrics-port");
    checkBind(bind);
  }

  /** Refuses a port outside 0..65535 (0: disabled), naming {@code option}. */
  static void checkPort(int port, String option) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          option + " " + port + " is not a port: give one from 1 to 65535, or 0 to disable");
    }
  }

  /** Refuses an address that is not a literal address or a resolvable name. */
  static void checkBind(String bind) {
    try {
      InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "--metrics-bind " + bind + " is not an address of this machine: give one, e.g."
              + " 127.0.0.1 (loopback) or 0.0.0.0 (every interface)");
    }
  }
}
