package coursepulse.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format) and {@code /health} (200 when the supplied
 * state is healthy — RUNNING unless the command says otherwise — 503 otherwise, the state in the
 * body) from the JDK's HTTP server: two small endpoints do not justify a web framework.
 *
 * <p>Every long-running command uses it the same way:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-replay");
 * try (MetricsServer server =
 *     MetricsServer.startIfEnabled(metricsOptions, 9466, registry, () -> state, err, "replay")) {
 *   ... // server is null when --metrics-port 0
 * }
 * }</pre>
 */
final class MetricsServer implements AutoCloseable {

  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String TEXT = "text/plain; charset=utf-8";

  /** The healthy states of an engine-backed command. */
  static final Set<String> HEALTHY_RUNNING = Set.of("RUNNING");

  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private final JvmGcMetrics gcMetrics;

  private MetricsServer(PrometheusMeterRegistry registry, HttpServer server, JvmGcMetrics gc) {
    this.registry = registry;
    this.server = server;
    this.gcMetrics = gc;
  }

  /** A Prometheus registry with the common {@code application} tag and JVM/process meters. */
  static PrometheusMeterRegistry newRegistry(String application) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("application", application);
    // Two of Micrometer's processor meters break Prometheus naming rules (promtool: a "_count"
    // suffix on a gauge, an abbreviated unit in process_cpu_time_ns_total); the CPU usage gauges
    // stay, and the exposition stays clean under 'promtool check metrics'.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Starts serving on the options' port ({@code defaultPort} when none was given) and prints the
   * URL on {@code err}, or returns {@code null} when the port is 0 (disabled); try-with-resources
   * accepts the null.
   *
   * @param state the current state name, e.g. an engine's state; RUNNING means healthy
   * @param who prefix of the printed line, e.g. the command name
   * @throws IOException when the port cannot be bound (the message says what to do)
   * @throws IllegalArgumentException when the port or address is no such thing (names the option)
   */
  static MetricsServer startIfEnabled(
      MetricsOptions options,
      int defaultPort,
      PrometheusMeterRegistry registry,
      Supplier<String> state,
      PrintWriter err,
      String who)
      throws IOException {
    return startIfEnabled(options, defaultPort, registry, state, HEALTHY_RUNNING, err, who);
  }

  /** As {@link #startIfEnabled(MetricsOptions, int, PrometheusMeterRegistry, Supplier,
   * PrintWriter, String)}, healthy in any of {@code healthyStates}. */
  static MetricsServer startIfEnabled(
      MetricsOptions options,
      int defaultPort,
      PrometheusMeterRegistry registry,
      Supplier<String> state,
      Set<String> healthyStates,
      PrintWriter err,
      String who)
      throws IOException {
    int port = options.portOr(defaultPort);
    if (port == 0) {
      return null;
    }
    MetricsServer server = start(registry, options.bind, port, state, healthyStates);
    err.println(who + ": metrics on http://" + options.bind + ":" + server.port() + "/metrics");
    err.flush();
    return server;
  }

  /**
   * Starts serving; {@code port} 0 in the options means "disabled" and is handled by the caller.
   *
   * @param health the current state name, e.g. an engine's state; RUNNING means healthy
   */
  static MetricsServer start(
      PrometheusMeterRegistry registry, String bind, int port, Supplier<String> health)
      throws IOException {
    return start(registry, bind, port, health, HEALTHY_RUNNING);
  }

  /**
   * Starts serving; {@code /health} answers 200 when the state is one of {@code healthyStates}.
   */
  static MetricsServer start(
      PrometheusMeterRegistry registry,
      String bind,
      int port,
      Supplier<String> health,
      Set<String> healthyStates)
      throws IOException {
    // Checked before anything binds: the JDK's own words ("port out of range:-1") name no option,
    // and an unknown address surfaced as a failure of the port.
    MetricsOptions.checkPort(port, "--metrics-port");
    MetricsOptions.checkBind(bind);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    } catch (IOException e) {
      throw new IOException(
          "cannot serve metrics on "
              + bind
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): choose another --metrics-port, or 0 to disable",
          e);
    }
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    // One context for every path: the JDK matches contexts by prefix, so "/metrics" alone would
    // also answer /metricsXYZ and /metrics/anything, whatever the method.
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (!path.equals("/metrics") && !path.equals("/health")) {
            respond(exchange, 404, TEXT, "not found: this endpoint serves /metrics and /health\n");
            return;
          }
          String method = exchange.getRequestMethod();
          if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, TEXT, "method not allowed: use GET or HEAD\n");
            return;
          }
          if (path.equals("/metrics")) {
            respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape());
          } else {
            String state = health.get();
            int code = healthyStates.contains(state) ? 200 : 503;
            respond(exchange, code, TEXT, state + "\n");
          }
        });
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "coursepulse-metrics-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return new MetricsServer(registry, server, gc);
  }

  /** The port actually bound (useful when 0 was not meant as "disabled" in tests). */
  int port() {
    return server.getAddress().getPort();
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  private static void respond(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      // -1: no body follows (the JDK refuses a body on HEAD)
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
      return;
    }
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    gcMetrics.close();
  }
}
