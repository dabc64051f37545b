package coursepulse.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A fresh RabbitMQ virtual host for one benchmark run, created and deleted through the management
 * HTTP API with the stream URI's credentials. The alerting application reads fixed stream names,
 * so a private virtual host is what keeps a benchmark off everyone else's streams.
 */
final class BenchVhost implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String managementUrl;
  private final String authorization;
  private final String name;
  private final String uri;

  private BenchVhost(String managementUrl, String authorization, String name, String uri) {
    this.managementUrl = managementUrl;
    this.authorization = authorization;
    this.name = name;
    this.uri = uri;
  }

  /**
   * Creates virtual host {@code name} and grants the URI's user everything in it.
   *
   * @param streamUri the configured {@code rabbitmq-stream://} URI (its vhost is ignored)
   * @param managementUrl e.g. {@code http://localhost:15672}; {@code null} for that port on the
   *     stream URI's host
   */
  static BenchVhost create(String streamUri, String managementUrl, String name) {
    URI u = URI.create(streamUri);
    String userInfo = u.getRawUserInfo() == null ? "guest:guest" : u.getRawUserInfo();
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    String mgmt = managementUrl != null ? managementUrl : "http://" + u.getHost() + ":15672";
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    String vhostUri =
        u.getScheme() + "://" + userInfo + "@" + u.getHost()
            + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/" + encode(name);
    BenchVhost vhost = new BenchVhost(mgmt, auth, name, vhostUri);
    vhost.call("PUT", "/api/vhosts/" + encode(name), "{}");
    vhost.call(
        "PUT",
        "/api/permissions/" + encode(name) + "/" + encode(user),
        "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    return vhost;
  }

  String name() {
    return name;
  }

  /** A stream URI bound to this virtual host (holds the password: never print it). */
  String uri() {
    return uri;
  }

  /** Deletes the virtual host and every stream in it. */
  @Override
  public void close() {
    call("DELETE", "/api/vhosts/" + encode(name), null);
  }

  private void call(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(managementUrl + path))
            .timeout(TIMEOUT)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(
          "RabbitMQ management API at " + managementUrl + " did not answer (bench needs it to"
              + " create a private virtual host; see --management-url): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "RabbitMQ management API answered " + response.statusCode() + " to " + method + " "
              + path);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
