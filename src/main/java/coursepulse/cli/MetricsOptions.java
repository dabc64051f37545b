package coursepulse.cli;

import picocli.CommandLine.Option;

/** {@code --metrics-port} and {@code --metrics-bind}, shared by the long-running commands. */
final class MetricsOptions {

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Port serving /metrics and /health (default: 9464 for process and demo, 9465 for"
              + " produce, 9466 for replay; 0 disables).")
  Integer port;

  @Option(
      names = "--metrics-bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:COURSEPULSE_METRICS_BIND:-127.0.0.1}",
      description =
          "Address the metrics endpoint binds to (default: ${DEFAULT-VALUE}; loopback keeps it"
              + " private, containers set 0.0.0.0).")
  String bind;

  /** The port to serve on, {@code commandDefault} when none was given; 0 means disabled. */
  int portOr(int commandDefault) {
    return port == null ? commandDefault : port;
  }
}
