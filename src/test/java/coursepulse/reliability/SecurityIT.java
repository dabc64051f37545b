package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security basics of the real commands: the broker password never shows in any output, error or
 * help text; the metrics endpoint binds to loopback by default; no student name, email or id in
 * a scraped {@code /metrics} or in the logs of an end-to-end run.
 */
@ExtendWith(RabbitMqExtension.class)
class SecurityIT {
  private static final List<String> SMALL =
      List.of("--students", "40", "--courses", "3", "--days", "21", "--seed", "5");
  private static final Pattern STUDENT_ID = Pattern.compile("s-\\d{7}");

  @TempDir Path tmp;

  @Test
  void shouldNeverShowTheBrokerPasswordInOutputErrorsOrHelp(RabbitVhost vhost) throws Exception {
    String user = "cp-security-" + UUID.randomUUID().toString().substring(0, 8);
    String secret = "S3cret-" + UUID.randomUUID();
    String wrong = "Wr0ng-" + UUID.randomUUID();
    management("PUT", "/api/users/" + enc(user), "{\"password\":\"" + secret + "\",\"tags\":\"\"}");
    try {
      management(
          "PUT", "/api/permissions/" + enc(vhost.name()) + "/" + enc(user),
          "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
      String uri = withUser(vhost.uri(), user, secret);
      Path out = tmp.resolve("all.log");

      List<String> produce = new ArrayList<>(List.of("produce", "--uri", uri));
      produce.addAll(SMALL);
      Cli.run(out, List.of(), produce);
      Cli.run(out, List.of(), List.of("process", "--uri", uri, "--state-dir",
          tmp.resolve("state").toString(), "--stop-when-idle", "1", "--metrics-port", "0",
          "--verbose"));
      // Failures: wrong password, unreachable broker, world-readable URI file; and help texts
      // with the secret URI in the environment.
      exit(out, List.of("produce", "--verbose", "--uri", withUser(vhost.uri(), user, wrong)), Map.of());
      exit(out, List.of("process", "--verbose", "--metrics-port", "0", "--retry-for", "0s", "--uri",
          "rabbitmq-stream://" + user + ":" + secret + "@127.0.0.1:1/x"), Map.of());
      Path uriFile = tmp.resolve("uri.txt");
      Files.writeString(uriFile, uri);
      Files.setPosixFilePermissions(uriFile, PosixFilePermissions.fromString("rw-r--r--"));
      int code = exit(out, List.of("produce", "--uri-file", uriFile.toString()), Map.of());
      assertThat(code).as("a URI file readable by others is refused").isNotZero();
      Files.setPosixFilePermissions(uriFile, PosixFilePermissions.fromString("rw-------"));
      // the simulation above again (another would be refused onto its streams): it resumes
      List<String> fromFile = new ArrayList<>(List.of("produce", "--uri-file", uriFile.toString()));
      fromFile.addAll(SMALL);
      assertThat(exit(out, fromFile, Map.of())).isZero();
      for (String cmd : List.of("process", "produce", "demo", "evaluate")) {
        exit(out, List.of(cmd, "--help"), Map.of("COURSEPULSE_RABBITMQ_URI", uri));
      }

      String all = Files.readString(out);
      assertThat(all).contains("refused the credentials").contains("readable by others");
      assertThat(all).doesNotContain(secret).doesNotContain(wrong);
    } finally {
      management("DELETE", "/api/users/" + enc(user), null);
    }
  }

  @Test
  void shouldKeepNamesEmailsAndStudentIdsOutOfMetricsAndLogs(RabbitVhost vhost) throws Exception {
    Path produceLog = tmp.resolve("produce.log");
    List<String> produce = new ArrayList<>(List.of("produce", "--uri", vhost.uri()));
    produce.addAll(SMALL);
    Cli.run(produceLog, List.of(), produce);

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path processLog = tmp.resolve("process.log");
    // --quiet: the alert lines on stdout are output (ids, by design), not logs.
    Process p = Cli.start(processLog, List.of(), List.of("process", "--uri", vhost.uri(),
        "--state-dir", tmp.resolve("state").toString(), "--stop-when-idle", "3", "--quiet",
        "--metrics-port", Integer.toString(port)));
    String scrape = "";
    boolean loopbackOnly = true;
    HttpClient http = HttpClient.newHttpClient();
    while (p.isAlive()) {
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          scrape = r.body();
          InetAddress external = nonLoopbackAddress();
          if (external != null && answers(external, port)) {
            loopbackOnly = false;
          }
        }
      } catch (IOException e) {
        // not up yet, or stopping
      }
      p.waitFor(300, TimeUnit.MILLISECONDS); // scrape interval
    }
    Cli.awaitSuccess(p, processLog);

    Set<String> personal = new TreeSet<>();
    ObjectMapper json = new ObjectMapper();
    try (StreamLog log = vhost.openLog()) {
      for (String e : Cli.readAll(log, StreamNames.ENROLLMENT)) {
        JsonNode n = json.readTree(e);
        if (n.get("type").asText().equals("enrollment_created")) {
          personal.add(n.get("name").asText());
          personal.add(n.get("email").asText());
          personal.add(n.get("studentId").asText());
        }
      }
    }
    assertThat(personal).hasSizeGreaterThan(40);
    assertThat(scrape).contains("coursepulse_alerts_total").contains("coursepulse_engine_records_processed_total");
    String logs = Files.readString(produceLog) + Files.readString(processLog);
    assertThat(logs).contains("metrics on http://127.0.0.1:" + port);
    assertThat(loopbackOnly).as("metrics endpoint reachable on a non-loopback address").isTrue();
    for (String text : List.of(scrape, logs)) {
      assertThat(personal).allSatisfy(pii -> assertThat(text).doesNotContain(pii));
      Matcher m = STUDENT_ID.matcher(text);
      assertThat(m.find() ? m.group() : null).as("a student id").isNull();
    }
    System.out.printf(
        "security: %d names, emails and student ids checked against %d bytes of /metrics and %d"
            + " bytes of logs%n", personal.size(), scrape.length(), logs.length());
  }

  private static int exit(Path logFile, List<String> args, Map<String, String> env)
      throws Exception {
    Process p = Cli.start(logFile, List.of(), args, env);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return p.exitValue();
  }

  private static String withUser(String uri, String user, String password) {
    URI u = URI.create(uri);
    return u.getScheme() + "://" + user + ":" + password + "@" + u.getHost() + ":" + u.getPort()
        + u.getRawPath();
  }

  private static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (ni.isUp() && !ni.isLoopback()) {
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return a;
          }
        }
      }
    }
    return null;
  }

  private static boolean answers(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The management API of the broker under test (user guest, as {@link RabbitMqExtension}). */
  private static void management(String method, String path, String body) throws Exception {
    String base = System.getenv().getOrDefault(RabbitMqExtension.MANAGEMENT_ENV, "http://localhost:15672");
    String auth = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode() / 100).as("%s %s: %s", method, path, r.body()).isEqualTo(2);
  }
}
