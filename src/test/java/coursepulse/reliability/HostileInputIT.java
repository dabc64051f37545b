package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the real pipeline (RabbitMQ streams, {@code process} in a child JVM) with more than
 * 100,000 seeded hostile messages ({@link HostileTraffic}) interleaved with the valid semester.
 * Every hostile message must land in a dead-letter stream with its machine-readable reason and be
 * counted in {@code coursepulse_dead_letters_total{reason}}; processing must keep running; the
 * valid students' alerts must equal the clean {@link Reference} run.
 */
@ExtendWith(RabbitMqExtension.class)
class HostileInputIT {

  private static final long SEED = Long.getLong("fuzz.seed", 7_000_001L);
  private static final Pattern DEAD_LETTERS =
      Pattern.compile("^coursepulse_dead_letters_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
  private static final Pattern REASON = Pattern.compile("reason=\"([^\"]*)\"");

  @TempDir Path tmp;

  @Test
  void shouldDeadLetterEveryHostileMessageWithItsReasonAndKeepTheValidAlerts(RabbitVhost vhost)
      throws Exception {
    Reference reference = Reference.get();
    HostileTraffic traffic = new HostileTraffic(SEED);
    long start = System.nanoTime();
    try (StreamLog log = vhost.openLog()) {
      for (String s : StreamNames.INPUTS) {
        log.createStream(s, Retention.unlimited());
        try (LogWriter w = log.writer(s, "fuzz")) {
          long[] id = {0};
          traffic.interleave(reference.inputs().get(s), (bytes, valid) -> w.append(id[0]++, bytes));
          w.flush(Duration.ofMinutes(2));
        }
      }
    }
    System.out.printf(
        "fuzz: %d hostile messages among %d valid events written in %d ms; expected %s%n",
        traffic.hostile, reference.inputCount(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), traffic.expected);
    // more than 100,000, and more hostile messages than valid events (~79,000 in this term)
    assertThat(traffic.hostile).isGreaterThan(reference.inputCount()).isGreaterThan(100_000);
    assertThat(traffic.unreadable.keySet())
        .containsExactlyInAnyOrder(
            "empty", "too_large", "not_json", "unknown_type", "unsupported_schema_version",
            "missing_field", "wrong_type", "bad_timestamp", "wrong_stream");
    assertThat(traffic.refused.keySet())
        .containsExactlyInAnyOrder("duplicate_event", "not_enrolled", "invalid_id");

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path logFile = tmp.resolve("process.log");
    List<String> args =
        new java.util.ArrayList<>(
            Cli.process(vhost.uri(), tmp.resolve("state"), "--stop-when-idle", "4"));
    args.set(args.indexOf("--metrics-port") + 1, Integer.toString(port));
    long processStart = System.nanoTime();
    Process p = Cli.start(logFile, List.of("-Xmx256m"), args);
    String lastScrape = "";
    HttpClient http = HttpClient.newHttpClient();
    while (p.isAlive()) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          lastScrape = r.body();
        }
      } catch (java.io.IOException e) {
        // not listening yet, or just stopped
      }
      p.waitFor(300, TimeUnit.MILLISECONDS); // scrape interval; the idle stop takes 4 s
    }
    Cli.awaitSuccess(p, logFile);
    long processMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - processStart);

    Map<String, Long> metered = new TreeMap<>();
    Matcher m = DEAD_LETTERS.matcher(lastScrape);
    while (m.find()) {
      Matcher reason = REASON.matcher(m.group(1));
      assertThat(reason.find()).isTrue();
      metered.merge(reason.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
    }
    try (StreamLog log = vhost.openLog()) {
      List<String> dlq = Cli.readAll(log, "coursepulse-dlq");
      List<String> refused = Cli.readAll(log, "coursepulse-refused");
      List<String> alerts = Cli.readAll(log, StreamNames.ALERTS);
      System.out.printf(
          "fuzz: processed in %d ms; dlq %d, refused %d, alerts %d (reference %d); metered %s%n",
          processMs, dlq.size(), refused.size(), alerts.size(), reference.alerts().size(), metered);

      assertThat(counts(HostileTraffic.reasonsOf(dlq))).isEqualTo(traffic.unreadable);
      assertThat(counts(HostileTraffic.reasonsOf(refused))).isEqualTo(traffic.refused);
      // Every reason's counter is registered at 0 up front (dashboards show 0, not "no data").
      metered.values().removeIf(count -> count == 0L);
      assertThat(metered).isEqualTo(traffic.expected);
      assertThat(dlq).allSatisfy(d -> assertThat(d.length()).isLessThan(100_000));

      // the valid students' decisions, in order; their scores rank them among a class that now
      // also has the valid new x-u-* students
      List<String> validStudents =
          alerts.stream()
              .filter(a -> !a.contains("\"studentId\":\"x-"))
              .map(Reference::decision)
              .toList();
      assertThat(validStudents).isEqualTo(reference.decisions());
      assertThat(alerts)
          .noneMatch(a -> a.contains("\"studentId\":\"" + HostileTraffic.UNKNOWN_STUDENT_PREFIX));
    }
  }

  /**
   * 10 MB messages cannot reach a stream at all: RabbitMQ's stream frame max is 1 MiB by default
   * ({@code stream.frame_max}), and the client refuses to send a bigger message. Messages between
   * 64 KiB and the frame max do reach it and are dead-lettered as {@code too_large} (above).
   */
  @Test
  void shouldRefuseATenMegabyteMessageBeforeItReachesTheStream(RabbitStreamLog log) {
    String stream = RabbitVhost.uniqueStream("big");
    log.createStream(stream, Retention.unlimited());
    try (LogWriter w = log.writer(stream, "big")) {
      assertThatThrownBy(() -> w.append(0, new byte[10 * 1024 * 1024]))
          .isInstanceOf(LogException.class)
          .hasMessageContaining("too big");
    }
    assertThat(Cli.count(log, stream)).isZero();
  }

  private static Map<String, Long> counts(List<String> reasons) {
    return reasons.stream()
        .collect(Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting()));
  }
}
