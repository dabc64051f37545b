package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.lms.publish.Progress;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldAnswerHealthWith200OnlyWhileRunningAndTheStateInTheBody() throws Exception {
    AtomicReference<String> state = new AtomicReference<>("REBALANCING");
    // port 0 here is "any free port": only the options treat 0 as "disabled"
    try (MetricsServer server =
        MetricsServer.start(MetricsServer.newRegistry("t"), "127.0.0.1", 0, state::get)) {
      HttpResponse<String> notYet = get(server, "/health");
      assertThat(notYet.statusCode()).isEqualTo(503);
      assertThat(notYet.body()).isEqualTo("REBALANCING\n");
      state.set("RUNNING");
      HttpResponse<String> running = get(server, "/health");
      assertThat(running.statusCode()).isEqualTo(200);
      assertThat(running.body()).isEqualTo("RUNNING\n");
    }
  }

  @Test
  void shouldServePrometheusTextWithTheApplicationLabelAndJvmMetrics() throws Exception {
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-test");
    try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0, () -> "RUNNING")) {
      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue(MetricsServer.PROMETHEUS_CONTENT_TYPE);
      assertThat(metrics.body())
          .contains("jvm_memory_used_bytes{application=\"coursepulse-test\",area=\"heap\"")
          .contains("process_cpu_usage{application=\"coursepulse-test\"}")
          .contains("jvm_gc_");
    }
  }

  @Test
  void shouldNotServeWhenThePortIsZero() throws Exception {
    StringWriter err = new StringWriter();
    assertThat(
            MetricsServer.startIfEnabled(
                options(0), 9464, MetricsServer.newRegistry("t"), () -> "RUNNING", new PrintWriter(err), "t"))
        .isNull();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void shouldExposeTheProducersProgressAsMonotonicCounters() {
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("coursepulse-producer");
    ProducerMeters meters = new ProducerMeters(registry);
    meters.update(new Progress(Instant.ofEpochSecond(1_800_000_000L), new long[] {3, 40, 500}, 7, 1.0, false));
    meters.update(new Progress(null, new long[] {1, 1, 1}, 0, 1.0, false));

    assertThat(registry.scrape())
        .contains("coursepulse_producer_events_published_total{application=\"coursepulse-producer\",stream=\"01-Enrollment\"} 3.0")
        .contains("coursepulse_producer_events_published_total{application=\"coursepulse-producer\",stream=\"03-Activity\"} 500.0")
        .contains("coursepulse_producer_events_skipped_total{application=\"coursepulse-producer\"} 7.0")
        .contains("coursepulse_producer_simulated_time_seconds{application=\"coursepulse-producer\"} 1.8E9");
  }

  @Test
  void shouldAnswerOnlyMetricsAndHealthAndOnlyToGetOrHead() throws Exception {
    try (MetricsServer server =
        MetricsServer.start(MetricsServer.newRegistry("t"), "127.0.0.1", 0, () -> "RUNNING")) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(404);
      assertThat(get(server, "/metricsXYZ").statusCode()).isEqualTo(404);
      assertThat(get(server, "/metrics/x").statusCode()).isEqualTo(404);
      assertThat(get(server, "/").statusCode()).isEqualTo(404);
      HttpResponse<String> delete = send(server, "/metrics", "DELETE");
      assertThat(delete.statusCode()).isEqualTo(405);
      assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(send(server, "/health", "POST").statusCode()).isEqualTo(405);
      HttpResponse<String> head = send(server, "/metrics", "HEAD");
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(get(server, "/metrics?x=1").statusCode()).isEqualTo(200);
      assertThat(get(server, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldNameTheOptionOfAPortOrAddressThatIsNoSuchThing() {
    PrometheusMeterRegistry registry = MetricsServer.newRegistry("t");
    for (int port : new int[] {-1, 70000}) {
      assertThatThrownBy(() -> MetricsServer.start(registry, "127.0.0.1", port, () -> "RUNNING"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("--metrics-port " + port + " is not a port: give one from 1 to 65535, or 0"
              + " to disable");
    }
    assertThatThrownBy(() -> MetricsServer.start(registry, "999.1.1.1", 0, () -> "RUNNING"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--metrics-bind 999.1.1.1 is not an address of this machine");
  }

  /**
   * Each command's help states the port that command serves on by default; before, every command
   * said "9464 for process and demo, 9465 for produce, 9466 for replay", although sink, ingest,
   * notify and web use 9467 to 9470 and replay has no such option.
   */
  @Test
  void shouldStateEachCommandsOwnDefaultPortInItsHelp() {
    java.util.Map<String, Integer> ports =
        java.util.Map.of(
            "process", 9464, "demo", 9464, "produce", 9465, "sink", SinkCommand.DEFAULT_METRICS_PORT,
            "ingest", IngestCommand.DEFAULT_METRICS_PORT, "notify", NotifyCommand.DEFAULT_METRICS_PORT,
            "web", WebCommand.DEFAULT_METRICS_PORT);
    picocli.CommandLine main = Main.commandLine();
    ports.forEach(
        (command, port) -> {
          picocli.CommandLine.Model.OptionSpec option =
              main.getSubcommands().get(command).getCommandSpec().findOption("--metrics-port");
          assertThat(option.description()[0].replace("${DEFAULT-VALUE}", option.defaultValueString()))
              .as("--metrics-port of %s", command)
              .isEqualTo("Port serving /metrics and /health (default: " + port + "; 0 disables).");
        });
    assertThat(ports.values()).containsOnly(9464, 9465, 9467, 9468, 9469, 9470);
    assertThat(main.getSubcommands().get("replay").getCommandSpec().findOption("--metrics-port"))
        .isNull();
  }

  /** Options as picocli would set them. */
  private static MetricsOptions options(int port) {
    MetricsOptions options = new MetricsOptions();
    options.bind = "127.0.0.1";
    options.port = port;
    return options;
  }

  private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    return send(server, path, "GET");
  }

  private HttpResponse<String> send(MetricsServer server, String path, String method)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
