package coursepulse.testing;

import coursepulse.io.rabbit.RabbitSettings;
import coursepulse.io.rabbit.RabbitStreamLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for tests that need RabbitMQ Streams: gives each test class a fresh virtual
 * host and deletes it afterwards, so tests never touch streams they did not create.
 *
 * <pre>{@code
 * @ExtendWith(RabbitMqExtension.class)
 * class SimulatorIT {
 *   @Test
 *   void shouldWriteEvents(RabbitStreamLog log) { ... }   // a log bound to the class's vhost
 *
 *   @Test
 *   void shouldSurviveRestart(RabbitVhost vhost) {        // open your own logs
 *     try (RabbitStreamLog log = vhost.openLog()) { ... }
 *   }
 * }
 * }</pre>
 *
 * <p><b>Parameters</b> (methods, constructors, {@code @BeforeEach}/{@code @BeforeAll}): {@link
 * RabbitVhost} (name and URI of the class's virtual host) and {@link RabbitStreamLog} (a new log
 * bound to it, closed when the scope that asked for it ends: the test method, or the class for
 * constructor and {@code @BeforeAll} parameters).
 *
 * <p><b>Broker.</b> The URI comes from {@code COURSEPULSE_RABBITMQ_URI} (default {@value
 * RabbitSettings#DEFAULT_URI}); its user must be allowed to create virtual hosts (guest on a local
 * node is). When nothing listens on the stream port the class is skipped, with one loud line on
 * stderr saying how to start a broker, unless {@code CI=true}: then the class fails.
 *
 * <p><b>Virtual hosts</b> are named {@code cp-<TestClass>-<random>} and created through the
 * management HTTP API ({@code COURSEPULSE_RABBITMQ_MANAGEMENT_URL}, default {@code
 * http://<host>:15672}) or, when it does not answer, {@code rabbitmqctl add_vhost} and {@code
 * set_permissions} on this machine.
 *
 * <p>{@link RabbitMq4Extension} is the same extension pointed at the RabbitMQ 4 node that runs
 * beside the 3.10 one (features of 3.11 and newer).
 */
public sealed class RabbitMqExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver
    permits RabbitMq4Extension, RabbitClusterExtension {

  /** Environment variable holding the broker URI. */
  public static final String URI_ENV = "COURSEPULSE_RABBITMQ_URI";

  /** Environment variable holding the management API base URL. */
  public static final String MANAGEMENT_ENV = "COURSEPULSE_RABBITMQ_MANAGEMENT_URL";

  // A vhost's creation on a three-node cluster of a loaded 2-core machine took over 10 s.
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);

  /** Which broker an extension tests against: where its settings come from, how to start one. */
  record Target(
      String label,
      String uriEnv,
      String defaultUri,
      String managementEnv,
      String defaultManagementUrl,
      String ctlEnv,
      List<String> defaultCtl,
      String howToStart,
      AtomicBoolean warned) {}

  static final Target RABBITMQ =
      new Target(
          "RabbitMQ", URI_ENV, RabbitSettings.DEFAULT_URI, MANAGEMENT_ENV, null, null,
          List.of("rabbitmqctl"),
          "Start one with 'bash .ci/rabbitmq.sh' (Debian) or"
              + " 'docker run -d -p 5552:5552 -p 15672:15672 rabbitmq:4-management' and"
              + " 'docker exec <id> rabbitmq-plugins enable rabbitmq_stream'.",
          new AtomicBoolean());

  private final Target target;
  private final ExtensionContext.Namespace ns;

  /** The extension for the default broker ({@value #URI_ENV}). */
  public RabbitMqExtension() {
    this(RABBITMQ);
  }

  RabbitMqExtension(Target target) {
    this.target = target;
    this.ns = ExtensionContext.Namespace.create(RabbitMqExtension.class, target.uriEnv());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Broker broker = Broker.fromEnvironment(target);
    if (!broker.answers()) {
      String line =
          target.label() + " is not reachable at " + broker.host + ":" + broker.port + " ("
              + target.uriEnv() + "): broker tests of "
              + context.getRequiredTestClass().getSimpleName() + " cannot run. "
              + target.howToStart();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new ExtensionConfigurationException("CI=true and " + line);
      }
      if (target.warned().compareAndSet(false, true)) {
        System.err.println("!!!!!!!! SKIPPING BROKER TESTS: " + line + " !!!!!!!!");
      }
      Assumptions.abort(line);
    }
    String vhost =
        "cp-" + context.getRequiredTestClass().getSimpleName() + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    broker.createVhost(vhost);
    context.getStore(ns).put(Created.class, new Created(broker, vhost));
  }

  /**
   * Creates one more fresh virtual host on the broker under test ({@code cp-<prefix>-<random>}),
   * for a test that needs two isolated sets of streams (a reference run beside the class's own).
   * The caller deletes it with {@link #deleteVhost(RabbitVhost)}.
   */
  public static RabbitVhost createVhost(String prefix) throws IOException, InterruptedException {
    return createVhost(RABBITMQ, prefix);
  }

  static RabbitVhost createVhost(Target target, String prefix)
      throws IOException, InterruptedException {
    Broker broker = Broker.fromEnvironment(target);
    String vhost = "cp-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createVhost(vhost);
    return new RabbitVhost(vhost, broker.uriFor(vhost));
  }

  /** Deletes a virtual host made by {@link #createVhost(String)}. */
  public static void deleteVhost(RabbitVhost vhost) throws IOException, InterruptedException {
    deleteVhost(RABBITMQ, vhost);
  }

  static void deleteVhost(Target target, RabbitVhost vhost) throws IOException, InterruptedException {
    Broker.fromEnvironment(target).deleteVhost(vhost.name());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    Created created = context.getStore(ns).remove(Created.class, Created.class);
    if (created != null) {
      created.broker.deleteVhost(created.vhost);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == RabbitVhost.class || type == RabbitStreamLog.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Created created = context.getStore(ns).get(Created.class, Created.class);
    if (created == null) {
      throw new ExtensionConfigurationException(
          getClass().getSimpleName()
              + " has no virtual host for this test: register it on the class");
    }
    RabbitVhost vhost = created.toVhost();
    if (parameter.getParameter().getType() == RabbitVhost.class) {
      return vhost;
    }
    RabbitStreamLog log = vhost.openLog();
    // JUnit closes AutoCloseable store values when the scope that resolved the parameter ends.
    context.getStore(ns).put(UUID.randomUUID(), log);
    return log;
  }

  private record Created(Broker broker, String vhost) {
    RabbitVhost toVhost() {
      return new RabbitVhost(vhost, broker.uriFor(vhost));
    }
  }

  /** The broker under test, parsed from the environment. */
  private static final class Broker {
    final String scheme;
    final String userInfo;
    final String user;
    final String password;
    final String host;
    final int port;
    final String managementUrl;
    final List<String> ctl;

    private Broker(URI uri, String managementUrl, List<String> ctl) {
      this.scheme = uri.getScheme();
      this.userInfo = uri.getRawUserInfo() == null ? "guest:guest" : uri.getRawUserInfo();
      int colon = userInfo.indexOf(':');
      this.user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      this.password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
      this.host = uri.getHost();
      boolean tls = scheme.toLowerCase(Locale.ROOT).endsWith("+tls");
      this.port = uri.getPort() > 0 ? uri.getPort() : (tls ? 5551 : 5552);
      this.managementUrl = managementUrl != null ? managementUrl : "http://" + host + ":15672";
      this.ctl = ctl;
    }

    static Broker fromEnvironment(Target target) {
      // A cluster's variables list its nodes, comma separated: the first one is the broker here.
      String uri = firstOf(env(target.uriEnv(), target.defaultUri()));
      String management = firstOf(env(target.managementEnv(), target.defaultManagementUrl()));
      String ctl = target.ctlEnv() == null ? null : env(target.ctlEnv(), null);
      return new Broker(
          URI.create(uri.trim()),
          management,
          ctl == null ? target.defaultCtl() : List.of(ctl.trim().split("\\s+")));
    }

    private static String firstOf(String list) {
      return list == null ? null : list.split(",")[0].trim();
    }

    private static String env(String name, String fallback) {
      String value = name == null ? null : System.getenv(name);
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    String uriFor(String vhost) {
      return scheme + "://" + userInfo + "@" + host + ":" + port + "/" + encode(vhost);
    }

    boolean answers() {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 2_000);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    void createVhost(String vhost) throws IOException, InterruptedException {
      String permissions = "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}";
      if (management("PUT", "/api/vhosts/" + encode(vhost), "{}")
          && management(
              "PUT", "/api/permissions/" + encode(vhost) + "/" + encode(user), permissions)) {
        return;
      }
      rabbitmqctl(List.of("add_vhost", vhost));
      rabbitmqctl(List.of("set_permissions", "-p", vhost, user, ".*", ".*", ".*"));
    }

    void deleteVhost(String vhost) throws IOException, InterruptedException {
      if (!management("DELETE", "/api/vhosts/" + encode(vhost), null)) {
        rabbitmqctl(List.of("delete_vhost", vhost));
      }
    }

    /** True on a 2xx answer; false when the management API does not answer at all. */
    private boolean management(String method, String path, String body)
        throws InterruptedException {
      // HTTP/1.1: RabbitMQ 4's management listener closes the connection on the client's h2c
      // upgrade of a request with a body (then every PUT fell back to rabbitmqctl)
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      String auth =
          Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(managementUrl + path))
              .timeout(HTTP_TIMEOUT)
              .header("Authorization", "Basic " + auth)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (java.net.ConnectException e) {
        return false; // not listening: rabbitmqctl instead
      } catch (IOException e) {
        // it answered but slowly: rabbitmqctl now could act on another broker than the request
        throw new IllegalStateException(
            "RabbitMQ management API at " + managementUrl + " failed " + method + " " + path, e);
      }
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "RabbitMQ management API answered " + response.statusCode() + " to " + method + " "
                + path + ": " + response.body());
      }
      return true;
    }

    private void rabbitmqctl(List<String> args) throws IOException, InterruptedException {
      List<String> command = new java.util.ArrayList<>(ctl);
      command.addAll(args);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "neither the RabbitMQ management API at " + managementUrl + " nor '"
                + String.join(" ", command)
                + "' worked: " + output.strip());
      }
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String s) {
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
  }
}
