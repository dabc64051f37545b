package coursepulse.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format) and {@code /health} (200 when the supplied
 * state is RUNNING, 503 otherwise, the state in the body) from the JDK's HTTP server: two small
 * endpoints do not justify a web framework.
 */
final class MetricsServer implements AutoCloseable {

  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

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
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Starts serving; {@code port} 0 in the options means "disabled" and is handled by the caller.
   *
   * @param health the current state name, e.g. an engine's state; RUNNING means healthy
   */
  static MetricsServer start(
      PrometheusMeterRegistry registry, String bind, int port, Supplier<String> health)
      throws IOException {
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
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
    server.createContext(
        "/metrics",
        exchange -> respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape()));
    server.createContext(
        "/health",
        exchange -> {
          String state = health.get();
          int code = "RUNNING".equals(state) ? 200 : 503;
          respond(exchange, code, "text/plain; charset=utf-8", state + "\n");
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
