package coursepulse.lms.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coursepulse.engine.log.Retention;
import coursepulse.io.rabbit.RabbitBench;
import coursepulse.io.rabbit.RabbitSettings;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of ingest over HTTP next to the raw publish rate, in one run (not a test). Creates a
 * virtual host of its own through the management API and deletes it afterwards.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx1g -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     coursepulse.lms.ingest.IngestBenchmark [EVENTS] [CONNECTIONS] [EVENTS_PER_REQUEST...]
 * </pre>
 */
public final class IngestBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "bench-" + UUID.randomUUID();

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    List<Integer> batches = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      batches.add(Integer.parseInt(args[i]));
    }
    if (batches.isEmpty()) {
      batches = List.of(1, 10, 100);
    }
    String vhost = "cp-IngestBenchmark-" + UUID.randomUUID().toString().substring(0, 8);
    management("PUT", "/api/vhosts/" + vhost, "{}");
    management("PUT", "/api/permissions/" + vhost + "/guest",
        "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    try {
      String uri = "rabbitmq-stream://guest:guest@localhost:5552/" + vhost;
      try (RabbitStreamLog log = RabbitStreamLog.connect(RabbitSettings.of(uri))) {
        for (String s : StreamNames.INPUTS) {
          log.createStream(s, Retention.unlimited());
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (IngestServer server =
            IngestServer.start(
                log,
                IngestServer.Options.defaults(new InetSocketAddress("127.0.0.1", 0), TOKEN)
                    .withThreads(Math.max(16, connections * 2)),
                registry,
                Clock.systemUTC())) {
          URI target = URI.create("http://127.0.0.1:" + server.address().getPort() + "/v1/caliper");
          run(target, Math.min(events, 20_000), connections, batches.get(batches.size() - 1),
              "warm-up");
          for (int batch : batches) {
            run(target, events, connections, batch, "measured");
          }
          var commit = registry.get("coursepulse.ingest.commit.latency").timer();
          var size = registry.get("coursepulse.ingest.commit.events").summary();
          System.out.printf("group commits: %,d, mean %.1f ms, mean %.1f events per commit%n",
              commit.count(), commit.mean(java.util.concurrent.TimeUnit.MILLISECONDS), size.mean());
        }
      }
      int size = JSON.writeValueAsBytes(loggedIn()).length;
      new RabbitBench(RabbitSettings.of(uri), events, 250, System.out).run(1);
      System.out.printf("(one Caliper LoggedIn event is %d bytes, our logged_in ~250)%n", size);
    } finally {
      management("DELETE", "/api/vhosts/" + vhost, null);
    }
  }

  private static void run(URI target, int events, int connections, int perRequest, String label)
      throws Exception {
    int requests = Math.max(connections, events / perRequest);
    AtomicLong next = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long[] latencies = new long[requests];
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      Thread t =
          new Thread(
              () -> {
                // One client per worker: its own keep-alive HTTP/1.1 connection.
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long i;
                while ((i = next.getAndIncrement()) < requests) {
                  try {
                    byte[] body = JSON.writeValueAsBytes(envelope(perRequest));
                    long t0 = System.nanoTime();
                    HttpResponse<Void> r =
                        http.send(
                            HttpRequest.newBuilder(target)
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding());
                    latencies[(int) i] = System.nanoTime() - t0;
                    if (r.statusCode() != 200) {
                      failed.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    java.util.Arrays.sort(latencies);
    System.out.printf(
        "ingest %-8s %,7d events in %,6d requests of %3d, %2d connections: %,9.0f events/s,"
            + " %,7.0f req/s, p50 %.1f ms, p99 %.1f ms, failed %d%n",
        label, (long) requests * perRequest, requests, perRequest, connections,
        requests * perRequest / seconds, requests / seconds,
        latencies[requests / 2] / 1e6, latencies[(int) (requests * 0.99)] / 1e6, failed.get());
  }

  private static ObjectNode envelope(int events) {
    ObjectNode e = JSON.createObjectNode();
    e.put("sensor", "https://example.edu/sensors/bench");
    e.put("sendTime", Instant.now().toString());
    e.put("dataVersion", "http://purl.imsglobal.org/ctx/caliper/v1p2");
    ArrayNode data = e.putArray("data");
    for (int i = 0; i < events; i++) {
      data.add(loggedIn());
    }
    return e;
  }

  private static ObjectNode loggedIn() {
    ObjectNode e = JSON.createObjectNode();
    e.put("@context", "http://purl.imsglobal.org/ctx/caliper/v1p2");
    e.put("id", "urn:uuid:" + UUID.randomUUID());
    e.put("type", "SessionEvent");
    e.putObject("actor")
        .put("id", "https://example.edu/users/" + (1000 + (int) (Math.random() * 5000)))
        .put("type", "Person");
    e.put("action", "LoggedIn");
    e.putObject("object").put("id", "https://example.edu").put("type", "SoftwareApplication");
    e.put("eventTime", Instant.now().toString());
    return e;
  }

  private static void management(String method, String path, String body) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String auth = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:15672" + path))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/json")
                .method(method, body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
  }
}
