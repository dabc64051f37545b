package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

  /** Options as picocli would set them. */
  private static MetricsOptions options(int port) {
    MetricsOptions options = new MetricsOptions();
    options.bind = "127.0.0.1";
    options.port = port;
    return options;
  }

  private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
