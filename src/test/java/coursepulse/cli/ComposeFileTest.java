package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Structural checks of {@code compose.yaml} and the files it mounts, since no Docker engine runs
 * where the tests run: the images or builds exist, mounted files exist, and the names and ports
 * of {@code prometheus.yml}, the Grafana data source and the RabbitMQ configuration agree with the
 * services.
 */
class ComposeFileTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static JsonNode services;
  private static JsonNode compose;

  @BeforeAll
  static void load() throws IOException {
    compose = YAML.readTree(Path.of("compose.yaml").toFile());
    services = compose.path("services");
  }

  @Test
  void shouldRunTheWholeStack() {
    assertThat(names(services))
        .contains("rabbitmq", "producer", "processor", "prometheus", "grafana");
  }

  @Test
  void shouldBuildFromTheRepositoryOrUseAPinnedImage() {
    services.fields().forEachRemaining(e -> {
      JsonNode s = e.getValue();
      if (s.has("build")) {
        String context = s.path("build").isTextual() ? s.path("build").asText() : s.path("build").path("context").asText(".");
        String dockerfile = s.path("build").path("dockerfile").asText("Dockerfile");
        assertThat(Path.of(context, dockerfile)).as(e.getKey()).isRegularFile();
      } else {
        String image = s.path("image").asText();
        assertThat(image).as(e.getKey() + " image").contains(":").doesNotEndWith(":latest");
      }
    });
    assertThat(services.path("rabbitmq").path("image").asText()).startsWith("rabbitmq:4.0-management");
  }

  @Test
  void shouldMountOnlyFilesThatExistInTheRepository() {
    List<String> named = names(compose.path("volumes"));
    services.fields().forEachRemaining(e -> {
      for (JsonNode v : e.getValue().path("volumes")) {
        String source = v.asText().split(":")[0];
        if (source.startsWith(".") || source.startsWith("/")) {
          assertThat(source).as(e.getKey() + " mounts a path inside the repository").startsWith("./");
          assertThat(Path.of(source)).as(e.getKey() + " mount").exists();
        } else {
          assertThat(named).as(e.getKey() + " named volume").contains(source);
        }
      }
    });
  }

  @Test
  void shouldGiveEveryServiceAHealthCheckAndDependOnlyOnKnownServices() {
    services.fields().forEachRemaining(e -> {
      assertThat(e.getValue().path("healthcheck").path("test")).as(e.getKey() + " healthcheck").isNotEmpty();
      e.getValue().path("depends_on").fields().forEachRemaining(d -> {
        assertThat(services.has(d.getKey())).as(e.getKey() + " depends on " + d.getKey()).isTrue();
        assertThat(d.getValue().path("condition").asText())
            .isIn("service_healthy", "service_started", "service_completed_successfully");
      });
    });
    assertThat(services.path("processor").path("depends_on").path("rabbitmq").path("condition").asText())
        .isEqualTo("service_healthy");
    assertThat(services.path("grafana").path("depends_on").path("prometheus").path("condition").asText())
        .isEqualTo("service_healthy");
  }

  @Test
  void shouldScrapeEachTargetAtAServiceThatServesMetricsThere() throws IOException {
    JsonNode prometheus = YAML.readTree(Path.of("prometheus.yml").toFile());
    assertThat(prometheus.path("global").path("scrape_interval").asText()).isEqualTo("5s");
    List<String> jobs = new ArrayList<>();
    for (JsonNode job : prometheus.path("scrape_configs")) {
      jobs.add(job.path("job_name").asText());
      assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
      for (JsonNode sc : job.path("static_configs")) {
        for (JsonNode target : sc.path("targets")) {
          String[] hostPort = target.asText().split(":");
          JsonNode service = services.path(hostPort[0]);
          assertThat(service.isMissingNode()).as("target " + target + " is a compose service").isFalse();
          assertThat(containerPorts(service)).as(target.asText()).contains(hostPort[1]);
          assertThat(service.path("healthcheck").path("test").toString())
              .as(hostPort[0] + " health check asks the port Prometheus scrapes")
              .contains(":" + hostPort[1] + "/health");
          // the command serves on its default port: no --metrics-port that would move it
          assertThat(service.path("command").toString()).doesNotContain("--metrics-port");
        }
      }
    }
    assertThat(jobs)
        .containsExactlyInAnyOrder(
            "coursepulse-processor", "coursepulse-producer", "coursepulse-sink", "coursepulse-web");
    assertThat(services.path("processor").path("command").get(0).asText()).isEqualTo("process");
    assertThat(services.path("producer").path("command").get(0).asText()).isEqualTo("produce");
    for (String app : List.of("processor", "producer", "sink", "web")) {
      assertThat(services.path(app).path("environment").path("COURSEPULSE_METRICS_BIND").asText())
          .as(app + " must listen beyond loopback for Prometheus to reach it")
          .isEqualTo("0.0.0.0");
    }
  }

  @Test
  void shouldPointGrafanaAtThePrometheusService() throws IOException {
    JsonNode ds = YAML.readTree(Path.of("grafana/provisioning/datasources/prometheus.yaml").toFile());
    URI url = URI.create(ds.path("datasources").get(0).path("url").asText());
    JsonNode service = services.path(url.getHost());
    assertThat(service.path("image").asText()).startsWith("prom/prometheus:");
    assertThat(containerPorts(service)).contains(String.valueOf(url.getPort()));
    assertThat(service.path("volumes").toString()).contains("./prometheus.yml:/etc/prometheus/prometheus.yml");
  }

  @Test
  void shouldProvisionGrafanaFromTheRepository() throws IOException {
    JsonNode grafana = services.path("grafana");
    String volumes = grafana.path("volumes").toString();
    assertThat(volumes)
        .contains("./grafana/provisioning/datasources:/etc/grafana/provisioning/datasources")
        .contains("./grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards");
    JsonNode provider = YAML.readTree(Path.of("grafana/provisioning/dashboards/provider.yaml").toFile());
    String path = provider.path("providers").get(0).path("options").path("path").asText();
    assertThat(volumes).contains("./grafana/dashboards:" + path);
    JsonNode env = grafana.path("environment");
    assertThat(env.path("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("true");
    assertThat(env.path("GF_AUTH_ANONYMOUS_ORG_ROLE").asText()).isEqualTo("Viewer");
    String home = env.path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
    assertThat(home).startsWith(path + "/");
    assertThat(Path.of("grafana/dashboards", home.substring(path.length() + 1))).isRegularFile();
  }

  @Test
  void shouldEnableStreamsAndAdvertiseTheServiceName() throws IOException {
    assertThat(Files.readString(Path.of("compose/rabbitmq/enabled_plugins"))).contains("rabbitmq_stream");
    String conf = Files.readString(Path.of("compose/rabbitmq/rabbitmq.conf"));
    assertThat(conf).contains("stream.advertised_host = rabbitmq");
    URI uri = URI.create(services.path("processor").path("environment").path("COURSEPULSE_RABBITMQ_URI").asText());
    assertThat(services.has(uri.getHost())).isTrue();
    assertThat(conf).contains("stream.advertised_port = " + uri.getPort());
    String[] userInfo = uri.getUserInfo().split(":");
    assertThat(conf).contains("default_user = " + userInfo[0]).contains("default_pass = " + userInfo[1]);
    assertThat(services.path("producer").path("environment").path("COURSEPULSE_RABBITMQ_URI").asText())
        .isEqualTo(uri.toString());
  }

  @Test
  void shouldKeepTheProcessorStateOnAVolume() {
    String volumes = services.path("processor").path("volumes").toString();
    String command = services.path("processor").path("command").toString();
    assertThat(command).contains("--state-dir").contains("/var/lib/coursepulse/state");
    assertThat(volumes).contains("processor-state:/var/lib/coursepulse");
  }

  @Test
  void shouldScaleTheProcessorOverPartitionedInputsWithTheOverrideFile() throws IOException {
    JsonNode scale = YAML.readTree(Path.of("compose.scale.yaml").toFile()).path("services");
    for (String name : names(scale)) {
      if (!name.equals("streams-init")) {
        assertThat(names(services)).as("override of an existing service").contains(name);
      }
    }
    assertThat(scale.path("streams-init").path("command").toString())
        .contains("streams").contains("--create").contains("--partitions");
    assertThat(scale.path("producer").path("depends_on").path("streams-init").path("condition").asText())
        .isEqualTo("service_completed_successfully");
    // replicas: no fixed host port, no shared volume
    assertThat(scale.path("processor").path("ports")).isEmpty();
    assertThat(scale.path("processor").path("volumes")).isEmpty();

    String mount = scale.path("prometheus").path("volumes").get(0).asText();
    Path scaled = Path.of(mount.substring(0, mount.indexOf(':')));
    assertThat(scaled).isRegularFile();
    JsonNode jobs = YAML.readTree(scaled.toFile()).path("scrape_configs");
    JsonNode plainJobs = YAML.readTree(Path.of("prometheus.yml").toFile()).path("scrape_configs");
    assertThat(jobs.findValuesAsText("job_name")).isEqualTo(plainJobs.findValuesAsText("job_name"));
    assertThat(jobs.get(0).path("dns_sd_configs").get(0).path("names").get(0).asText())
        .isEqualTo("processor");
  }

  private static List<String> containerPorts(JsonNode service) {
    List<String> ports = new ArrayList<>();
    for (JsonNode p : service.path("ports")) {
      String[] parts = p.asText().split(":");
      ports.add(parts[parts.length - 1].split("/")[0]);
    }
    return ports;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      names.add(it.next().getKey());
    }
    return names;
  }
}
